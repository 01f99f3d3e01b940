package io.rdstagflow.examples.broker;

import java.util.Locale;
import java.util.regex.Pattern;
import org.springframework.cloud.servicebroker.exception.ServiceBrokerInvalidParametersException;

/**
 * How OSB ids become RDS names: instance {@code 6f0c...} is DB instance {@code osb-6f0c...}, binding
 * {@code 9a1b-...} is database user {@code b_9a1b_...}. Deterministic, so the broker keeps no map.
 */
public final class InstanceIds {

  /** A prefix that starts every DB instance identifier with a letter, as RDS requires. */
  public static final String PREFIX = "osb-";

  // RDS: 1 to 63 letters, digits or hyphens, no two hyphens in a row, no hyphen at the end.
  private static final Pattern OSB_INSTANCE_ID = Pattern.compile("[A-Za-z0-9]+(-[A-Za-z0-9]+)*");
  private static final Pattern OSB_BINDING_ID = Pattern.compile("[A-Za-z0-9-]{1,61}");

  private InstanceIds() {}

  /**
   * The DB instance identifier of an OSB instance id.
   *
   * @throws ServiceBrokerInvalidParametersException (HTTP 400) if the id cannot be part of one
   */
  public static String rdsId(String osbInstanceId) {
    if (osbInstanceId == null || osbInstanceId.length() > 63 - PREFIX.length()
        || !OSB_INSTANCE_ID.matcher(osbInstanceId).matches()) {
      throw new ServiceBrokerInvalidParametersException("instance id '" + osbInstanceId + "' cannot name an RDS"
          + " instance: use up to 59 letters, digits and single hyphens (a GUID fits)");
    }
    return PREFIX + osbInstanceId.toLowerCase(Locale.ROOT);
  }

  /**
   * The database user of an OSB binding id.
   *
   * @throws ServiceBrokerInvalidParametersException (HTTP 400) if the id cannot be part of one
   */
  public static String userName(String osbBindingId) {
    if (osbBindingId == null || !OSB_BINDING_ID.matcher(osbBindingId).matches()) {
      throw new ServiceBrokerInvalidParametersException("binding id '" + osbBindingId + "' cannot name a database"
          + " user: use up to 61 letters, digits and hyphens (a GUID fits)");
    }
    return "b_" + osbBindingId.toLowerCase(Locale.ROOT).replace('-', '_');
  }
}
