package sh.kaiten.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class CsvTest {

  @Test
  void cellsThatStartLikeAFormulaAreReadAsText() {
    assertThat(Csv.cell("=SUM(A1)")).isEqualTo("'=SUM(A1)");
    assertThat(Csv.cell("-1+1")).isEqualTo("'-1+1");
    assertThat(Csv.cell("+1")).isEqualTo("'+1");
    assertThat(Csv.cell("@x")).isEqualTo("'@x");
    assertThat(Csv.cell("\tx")).isEqualTo("'\tx");
    // A carriage return also needs quoting (RFC 4180): escaped first, then quoted.
    assertThat(Csv.cell("\rx")).isEqualTo("\"'\rx\"");
  }

  @Test
  void aFormulaWithQuotesAndCommasIsEscapedThenQuoted() {
    assertThat(Csv.cell("=HYPERLINK(\"http://evil\",\"bill\")"))
        .isEqualTo("\"'=HYPERLINK(\"\"http://evil\"\",\"\"bill\"\")\"");
  }

  @Test
  void cellsAreQuotedAsRfc4180Says() {
    assertThat(Csv.cell("a,b")).isEqualTo("\"a,b\"");
    assertThat(Csv.cell("say \"hi\"")).isEqualTo("\"say \"\"hi\"\"\"");
    assertThat(Csv.cell("two\nlines")).isEqualTo("\"two\nlines\"");
    assertThat(Csv.cell("api-calls")).isEqualTo("api-calls");
    assertThat(Csv.cell("2025-01-01T00:00:00Z")).isEqualTo("2025-01-01T00:00:00Z");
    assertThat(Csv.cell("")).isEmpty();
    assertThat(Csv.cell(null)).isEmpty();
  }

  @Test
  void aRowEndsWithCrlf() {
    assertThat(Csv.row(Arrays.asList("api-calls", null, "=1", "a,b")))
        .isEqualTo("api-calls,,'=1,\"a,b\"\r\n");
  }
}
