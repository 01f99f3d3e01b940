package io.rdstagflow.core;

/** Beginning the flow would take the instance past RDS's limit of 50 tags. Nothing was written. */
public final class TagLimitException extends TagflowException {

  private static final long serialVersionUID = 1L;

  /** For the number of tags the instance keeps and the number the flow needs. */
  public TagLimitException(int otherTags, int flowTags) {
    super("the flow needs " + flowTags + " tags and the instance keeps " + otherTags
        + " others: together more than RDS's limit of 50 tags per resource");
  }
}
