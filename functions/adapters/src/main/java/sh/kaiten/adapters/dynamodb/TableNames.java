package sh.kaiten.adapters.dynamodb;

/** The physical names of the tables template.yaml declares (CloudFormation makes them up per stack). */
public record TableNames(String catalog, String tokens, String usage, String audit) {}
