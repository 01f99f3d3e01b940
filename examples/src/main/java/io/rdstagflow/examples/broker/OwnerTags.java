package io.rdstagflow.examples.broker;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.springframework.cloud.servicebroker.exception.ServiceBrokerInvalidParametersException;
import software.amazon.awssdk.services.rds.model.Tag;

/**
 * Whose an instance is and what it was provisioned with, in the instance's own tags (not the
 * library's: their keys are not under its {@code tagflow:} prefix). RDS copies them to the
 * instance's snapshots ({@code CopyTagsToSnapshot}), which is how a restore knows a snapshot's
 * owner; and an identical provision request is told from a conflicting one by comparing them. The
 * plan tag follows plan updates (the update flow's last step writes it).
 *
 * @param broker           the provisioning broker's name ({@code broker.name})
 * @param serviceId        the OSB service id
 * @param planId           the OSB plan id
 * @param organizationGuid the platform's organization
 * @param spaceGuid        the platform's space
 * @param parameters       the digest of the provision parameters ({@link RequestDigest})
 */
public record OwnerTags(
    String broker, String serviceId, String planId, String organizationGuid, String spaceGuid, String parameters) {

  /** Tag key: the broker's name. */
  public static final String BROKER = "osb:broker";
  /** Tag key: the service id. */
  public static final String SERVICE_ID = "osb:service-id";
  /** Tag key: the plan id. */
  public static final String PLAN_ID = "osb:plan-id";
  /** Tag key: the organization GUID. */
  public static final String ORGANIZATION_GUID = "osb:organization-guid";
  /** Tag key: the space GUID. */
  public static final String SPACE_GUID = "osb:space-guid";
  /** Tag key: the digest of the provision parameters. */
  public static final String PARAMETERS = "osb:parameters-digest";
  /**
   * Tag key: the operation a deprovision returned, written just before its DeleteDBInstance, so a
   * repeated deprovision returns the same one (not part of the owner).
   */
  public static final String DELETION = "osb:deletion-operation";

  // RDS tag values: up to 256 of letters, digits, spaces and _.:/=+-@
  private static final Pattern TAG_VALUE = Pattern.compile("[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]{1,256}");

  /**
   * The tags of a provision request.
   *
   * @throws ServiceBrokerInvalidParametersException (400) if the organization or space is missing or
   *     cannot be an RDS tag value
   */
  public static OwnerTags of(String broker, String serviceId, String planId, String organizationGuid,
      String spaceGuid, Map<String, Object> parameters) {
    return new OwnerTags(broker, serviceId, planId, required("organization_guid", organizationGuid),
        required("space_guid", spaceGuid), RequestDigest.of(parameters));
  }

  /** The owner recorded in these tags (an instance's or a snapshot's), if all of it is there. */
  public static Optional<OwnerTags> from(Map<String, String> tags) {
    List<String> values = List.of(BROKER, SERVICE_ID, PLAN_ID, ORGANIZATION_GUID, SPACE_GUID, PARAMETERS).stream()
        .map(key -> tags.getOrDefault(key, "")).toList();
    if (values.contains("")) {
      return Optional.empty();
    }
    return Optional.of(new OwnerTags(values.get(0), values.get(1), values.get(2), values.get(3), values.get(4),
        values.get(5)));
  }

  /** Whether {@code other} is the same broker's, for the same organization and space. */
  public boolean sameOwner(OwnerTags other) {
    return broker.equals(other.broker) && serviceId.equals(other.serviceId)
        && organizationGuid.equals(other.organizationGuid) && spaceGuid.equals(other.spaceGuid);
  }

  /** The tags as a map, in a fixed order. */
  public Map<String, String> asMap() {
    Map<String, String> tags = new LinkedHashMap<>();
    tags.put(BROKER, broker);
    tags.put(SERVICE_ID, serviceId);
    tags.put(PLAN_ID, planId);
    tags.put(ORGANIZATION_GUID, organizationGuid);
    tags.put(SPACE_GUID, spaceGuid);
    tags.put(PARAMETERS, parameters);
    return tags;
  }

  /** The tags for an RDS request. */
  public List<Tag> asSdkTags() {
    return asMap().entrySet().stream().map(e -> Tag.builder().key(e.getKey()).value(e.getValue()).build()).toList();
  }

  private static String required(String field, String value) {
    if (value == null || value.isEmpty()) {
      throw new ServiceBrokerInvalidParametersException(field + " is required (OSB provision request body)");
    }
    if (!TAG_VALUE.matcher(value).matches()) {
      throw new ServiceBrokerInvalidParametersException(field + " must be at most 256 letters, digits, spaces or"
          + " _.:/=+-@ (it is kept in an RDS tag)");
    }
    return value;
  }
}
