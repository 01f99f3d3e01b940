package io.rdstagflow.aws.upgrade;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.ApplyMethod;
import software.amazon.awssdk.services.rds.model.DBParameterGroup;
import software.amazon.awssdk.services.rds.model.DbParameterGroupAlreadyExistsException;
import software.amazon.awssdk.services.rds.model.DbParameterGroupNotFoundException;
import software.amazon.awssdk.services.rds.model.Parameter;

/**
 * Makes sure a hop's parameter group exists, is of the hop's family and carries the custom
 * parameters of the group the instance has now: created if missing; parameters the current group
 * sets ({@code Source} {@code user}) and the new one does not set yet are set in it, static ones
 * {@code pending-reboot} and dynamic ones {@code immediate}. A parameter the new group already sets
 * keeps its value there (the group may serve other instances already; a WARN line names such
 * parameters). Idempotent: a second run finds the group and its parameters in place and makes
 * only the reads.
 */
final class ParameterGroupCarrier {

  private static final Logger log = LoggerFactory.getLogger(ParameterGroupCarrier.class);
  /** ModifyDBParameterGroup takes at most 20 parameters a call. */
  private static final int BATCH = 20;

  private final RdsClient rds;

  ParameterGroupCarrier(RdsClient rds) {
    this.rds = rds;
  }

  /**
   * Prepares {@code group} of {@code family} with the custom parameters of {@code current}.
   *
   * @return {@code null} when it is ready, else why it cannot be (for the step's failure reason)
   */
  String prepare(String instanceId, String group, String family, String current) {
    if (group.startsWith("default.")) {
      return null; // RDS's own group of the family: nothing to create or carry
    }
    DBParameterGroup existing = find(group);
    if (existing == null) {
      try {
        rds.createDBParameterGroup(r -> r.dbParameterGroupName(group).dbParameterGroupFamily(family)
            .description(cut("rds-tagflow: the parameters of " + current + " for " + family)));
        log.info("instance {}: created parameter group {} ({}) for the upgrade", instanceId, group, family);
      } catch (DbParameterGroupAlreadyExistsException e) {
        existing = find(group); // another replica, or another instance's upgrade, created it meanwhile
      }
    }
    if (existing != null && !family.equals(existing.dbParameterGroupFamily())) {
      return "parameter group " + group + " exists with family " + existing.dbParameterGroupFamily() + " but the hop"
          + " needs family " + family + ": name the groups with another rule";
    }
    if (current == null || current.startsWith("default.") || current.equalsIgnoreCase(group)) {
      return null;
    }
    Map<String, Parameter> custom = userParameters(current);
    if (custom.isEmpty()) {
      return null;
    }
    Map<String, Parameter> already = userParameters(group);
    List<Parameter> missing = new ArrayList<>();
    TreeSet<String> differing = new TreeSet<>();
    for (Parameter p : custom.values()) {
      Parameter there = already.get(p.parameterName());
      if (there == null) {
        missing.add(Parameter.builder().parameterName(p.parameterName()).parameterValue(p.parameterValue())
            .applyMethod("dynamic".equals(p.applyType()) ? ApplyMethod.IMMEDIATE : ApplyMethod.PENDING_REBOOT).build());
      } else if (!Objects.equals(there.parameterValue(), p.parameterValue())) {
        differing.add(p.parameterName());
      }
    }
    if (!differing.isEmpty()) {
      log.warn("instance {}: parameter group {} already sets {} to values other than {}'s; it keeps its own",
          instanceId, group, differing, current);
    }
    for (int from = 0; from < missing.size(); from += BATCH) {
      List<Parameter> batch = missing.subList(from, Math.min(missing.size(), from + BATCH));
      String code = set(group, batch);
      if (code == null) {
        continue;
      }
      // Which of them? One call each, only after a refusal: the reason names parameters, never values.
      List<String> refused = new ArrayList<>();
      for (Parameter p : batch) {
        if (set(group, List.of(p)) != null) {
          refused.add(p.parameterName());
        }
      }
      return "parameter " + String.join(" ", refused) + " of " + current + " is refused by " + group + " with "
          + code + ": set it in " + group + " yourself or remove it from " + current;
    }
    if (!missing.isEmpty()) {
      log.info("instance {}: carried {} custom parameters of {} over to {}: {}", instanceId, missing.size(), current,
          group, missing.stream().map(Parameter::parameterName).toList());
    }
    return null;
  }

  /** Sets the parameters; {@code null} when RDS took them, else the error code of its refusal of a value. */
  private String set(String group, List<Parameter> parameters) {
    try {
      rds.modifyDBParameterGroup(r -> r.dbParameterGroupName(group).parameters(parameters));
      return null;
    } catch (AwsServiceException e) {
      String code = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
      if ("InvalidParameterValue".equals(code) || "InvalidParameterCombination".equals(code)) {
        return code;
      }
      throw e;
    }
  }

  private DBParameterGroup find(String group) {
    try {
      return rds.describeDBParameterGroups(r -> r.dbParameterGroupName(group)).dbParameterGroups().stream()
          .findFirst().orElse(null);
    } catch (DbParameterGroupNotFoundException e) {
      return null;
    }
  }

  private Map<String, Parameter> userParameters(String group) {
    Map<String, Parameter> set = new LinkedHashMap<>();
    rds.describeDBParametersPaginator(r -> r.dbParameterGroupName(group).source("user"))
        .parameters().forEach(p -> set.put(p.parameterName(), p));
    return set;
  }

  private static String cut(String description) {
    return description.length() > 255 ? description.substring(0, 255) : description;
  }
}
