package io.rdstagflow.examples.broker;

import java.util.List;
import java.util.Optional;
import org.springframework.cloud.servicebroker.model.catalog.Catalog;
import org.springframework.cloud.servicebroker.model.catalog.Plan;
import org.springframework.cloud.servicebroker.model.catalog.ServiceDefinition;

/**
 * The broker's catalog: one service, RDS PostgreSQL, with two plans. Each plan names the instance
 * class and storage it gives; updating from one plan to the other runs the plan-update flow.
 */
public final class RdsCatalog {

  /** The service's id. */
  public static final String SERVICE_ID = "5c1f6b0e-3f5a-4e57-9b1e-7d3a2b0c9a10";

  /**
   * What a plan gives.
   *
   * @param id            the plan's id in the catalog
   * @param name          its name
   * @param instanceClass the RDS instance class
   * @param storageGib    the allocated storage
   */
  public record PlanSpec(String id, String name, String instanceClass, int storageGib) {}

  /** The small plan. */
  public static final PlanSpec SMALL = new PlanSpec("9a3e0d4c-2b61-4f0e-8c55-1b2d7e6f4a01", "small", "db.t3.micro", 20);
  /** The medium plan. */
  public static final PlanSpec MEDIUM = new PlanSpec("4d7b2f19-8c0a-4b3e-a6d2-5e9f1c3b7a02", "medium", "db.t3.medium", 50);

  private static final List<PlanSpec> PLANS = List.of(SMALL, MEDIUM);

  private RdsCatalog() {}

  /** The plan with this id, if the catalog has it. */
  public static Optional<PlanSpec> plan(String planId) {
    return PLANS.stream().filter(p -> p.id().equals(planId)).findFirst();
  }

  /** The catalog as Spring Cloud Open Service Broker serves it: this service, then Aurora's ({@link AuroraCatalog}). */
  public static Catalog catalog() {
    return Catalog.builder()
        .serviceDefinitions(ServiceDefinition.builder()
            .id(SERVICE_ID)
            .name("rds-postgres")
            .description("PostgreSQL on AWS RDS; provision restores from a snapshot when the parameters say "
                + "{\"restore_from_snapshot\": \"<snapshot id>\"}")
            .bindable(true)
            .planUpdateable(true)
            .tags("postgres", "rds")
            .plans(PLANS.stream().map(RdsCatalog::toPlan).toList())
            .build(), AuroraCatalog.service())
        .build();
  }

  private static Plan toPlan(PlanSpec spec) {
    return Plan.builder()
        .id(spec.id())
        .name(spec.name())
        .description(spec.instanceClass() + ", " + spec.storageGib() + " GiB")
        .free(false)
        .build();
  }
}
