package sh.kaiten.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import sh.kaiten.local.DocCurls.DocCurl;

class DocCurlsTest {
  private static final Path PAGE = Path.of("docs/page.md");

  @Test
  void findsTheCurlsOfBashBlocksWithTheirLinesStatusesAndMarkers() {
    List<DocCurl> curls =
        DocCurls.parse(
            PAGE,
            List.of(
                "Text with curl in it", // 1
                "```bash", // 2
                "API=http://127.0.0.1:8080", // 3
                "curl -X POST $API/a -H \"X: 1\" \\", // 4
                "  -d '{\"a\":1}'", // 5
                "# → 201 {\"id\":\"x\"}", // 6
                "curl $API/b   # → 204; gone", // 7
                "curl $API/c -d '{\"tallies\":[", // 8
                "   {\"x\":\"# not a comment\"}]}'", // 9
                "# → {\"items\":[]}", // 10
                "# not run by the docs test: needs AWS", // 11
                "curl $REMOTE/d", // 12
                "```", // 13
                "```json", // 14
                "curl $API/not-bash", // 15
                "```", // 16
                "```bash", // 17
                "curl $API/e  # lists them", // 18
                "# → 409 is the line after a comment-less command only", // 19
                "```")); // 20

    assertThat(curls)
        .containsExactly(
            new DocCurl(
                PAGE,
                4,
                "curl -X POST $API/a -H \"X: 1\" \\\n  -d '{\"a\":1}'\n",
                OptionalInt.of(201),
                Optional.empty()),
            new DocCurl(
                PAGE, 7, "curl $API/b   # → 204; gone\n", OptionalInt.of(204), Optional.empty()),
            new DocCurl(
                PAGE,
                8,
                "curl $API/c -d '{\"tallies\":[\n   {\"x\":\"# not a comment\"}]}'\n",
                OptionalInt.empty(),
                Optional.empty()),
            new DocCurl(
                PAGE, 12, "curl $REMOTE/d\n", OptionalInt.empty(), Optional.of("needs AWS")),
            new DocCurl(
                PAGE, 18, "curl $API/e  # lists them\n", OptionalInt.empty(), Optional.empty()));
    assertThat(curls.get(2).accepts(200)).isTrue();
    assertThat(curls.get(2).accepts(304)).isFalse();
    assertThat(curls.get(0).accepts(200)).isFalse();
    assertThat(curls.get(0).accepts(201)).isTrue();
  }
}
