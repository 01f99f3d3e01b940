package io.rdstagflow.examples.broker;

import java.util.List;
import java.util.Optional;
import org.springframework.cloud.servicebroker.model.catalog.Plan;
import org.springframework.cloud.servicebroker.model.catalog.ServiceDefinition;

/**
 * The broker's Aurora PostgreSQL service: a cluster per service instance, with two plans. A plan
 * names its members' instance class and how many readers it has besides the writer; an update
 * from one plan to the other runs the cluster plan-update flow (the members' class one member at
 * a time, the writer last, and the readers the new plan adds).
 */
public final class AuroraCatalog {

  /** The service's id. */
  public static final String SERVICE_ID = "8e2d4f6a-1b3c-4d5e-9f70-a1b2c3d4e5f6";

  /**
   * What a plan gives.
   *
   * @param id            the plan's id in the catalog
   * @param name          its name
   * @param instanceClass the members' instance class
   * @param readers       the readers besides the writer
   */
  public record AuroraPlan(String id, String name, String instanceClass, int readers) {}

  /** One writer. */
  public static final AuroraPlan STANDARD = new AuroraPlan("6c1e7a20-3d4b-4f5c-8e9d-0a1b2c3d4e01", "standard",
      "db.r6g.large", 0);
  /** A bigger writer and one reader. */
  public static final AuroraPlan HIGH_AVAILABILITY = new AuroraPlan("7d2f8b31-4e5c-4a6d-9f0e-1b2c3d4e5f02", "ha",
      "db.r6g.xlarge", 1);

  private static final List<AuroraPlan> PLANS = List.of(STANDARD, HIGH_AVAILABILITY);

  private AuroraCatalog() {}

  /** The plan with this id, if the service has it. */
  public static Optional<AuroraPlan> plan(String planId) {
    return PLANS.stream().filter(p -> p.id().equals(planId)).findFirst();
  }

  /** The service as Spring Cloud Open Service Broker serves it. */
  public static ServiceDefinition service() {
    return ServiceDefinition.builder()
        .id(SERVICE_ID)
        .name("aurora-postgres")
        .description("Aurora PostgreSQL on AWS RDS, a cluster per instance; provision restores from a cluster"
            + " snapshot when the parameters say {\"restore_from_snapshot\": \"<cluster snapshot id>\"}")
        .bindable(true)
        .planUpdateable(true)
        .tags("postgres", "aurora", "rds")
        .plans(PLANS.stream().map(AuroraCatalog::toPlan).toList())
        .build();
  }

  private static Plan toPlan(AuroraPlan spec) {
    return Plan.builder()
        .id(spec.id())
        .name(spec.name())
        .description(spec.instanceClass() + ", writer" + (spec.readers() == 0 ? " only" : " and " + spec.readers()
            + " reader" + (spec.readers() == 1 ? "" : "s")))
        .free(false)
        .build();
  }
}
