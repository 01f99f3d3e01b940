package io.rdstagflow.core;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * One RDS DB instance, or one Aurora DB cluster, as a describe saw it: the facts the engine needs
 * (status, pending modifications, parameter-group apply states, tags; for a cluster its members)
 * and those steps commonly need (endpoint, engine, master user, storage), plus the gateway's own
 * full description for steps that need more ({@link #detail(Class)}).
 *
 * <p>For a cluster ({@link #kind()} {@link Kind#CLUSTER}) the id, ARN, status, pending values and
 * tags are the cluster's (its operation's state lives in the cluster's tags), the parameter groups
 * the cluster's, and {@link #members()} the member instances with their own statuses and
 * parameter groups; the engine judges a cluster settled only when every member is too.
 *
 * <p>Immutable and thread-safe. Build one with {@link #builder(String)}; gateways and tests do,
 * brokers rarely need to.
 */
public final class RdsInstance {

  /** The status RDS reports for an instance that is ready for work. */
  public static final String AVAILABLE = "available";

  /** A parameter group's apply status while a change is being applied. */
  public static final String APPLYING = "applying";

  /** A parameter group's apply status when a reboot is needed to apply it. */
  public static final String PENDING_REBOOT = "pending-reboot";

  /**
   * A DB parameter group attached to the instance and its apply status ({@code in-sync},
   * {@code applying}, {@code pending-reboot}).
   *
   * @param name        the parameter group's name
   * @param applyStatus RDS's {@code ParameterApplyStatus}
   */
  public record ParameterGroup(String name, String applyStatus) {
    /** @throws NullPointerException if an argument is {@code null} */
    public ParameterGroup {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(applyStatus, "applyStatus");
    }
  }

  /**
   * Where clients connect.
   *
   * @param host the DNS name
   * @param port the port
   */
  public record Endpoint(String host, int port) {
    /** @throws NullPointerException if {@code host} is {@code null} */
    public Endpoint {
      Objects.requireNonNull(host, "host");
    }
  }

  /** What was described. */
  public enum Kind {
    /** A DB instance. */
    INSTANCE,
    /** An Aurora DB cluster, with its members. */
    CLUSTER
  }

  /**
   * A member instance of a cluster, as the same describe saw it.
   *
   * @param id              the DB instance identifier
   * @param status          its {@code DBInstanceStatus}
   * @param writer          whether it is the cluster's writer
   * @param parameterGroups its DB parameter groups with their apply status
   */
  public record Member(String id, String status, boolean writer, List<ParameterGroup> parameterGroups) {
    /** @throws NullPointerException if an argument is {@code null} */
    public Member {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(status, "status");
      parameterGroups = List.copyOf(parameterGroups);
    }

    /** {@code true} if it is available with no parameter group applying. */
    public boolean isSettled() {
      return AVAILABLE.equals(status) && parameterGroups.stream().noneMatch(g -> APPLYING.equals(g.applyStatus()));
    }
  }

  private final Kind kind;
  private final List<Member> members;
  private final String id;
  private final String arn;
  private final String status;
  private final Set<String> pendingModifications;
  private final List<ParameterGroup> parameterGroups;
  private final Endpoint endpoint;
  private final String engine;
  private final String masterUsername;
  private final Integer allocatedStorageGib;
  private final Map<String, String> tags;
  private final Object detail;

  private RdsInstance(Builder b) {
    this.kind = b.kind;
    this.members = List.copyOf(b.members);
    this.id = b.id;
    this.arn = Objects.requireNonNull(b.arn, "arn");
    this.status = Objects.requireNonNull(b.status, "status");
    this.pendingModifications = Set.copyOf(b.pendingModifications);
    this.parameterGroups = List.copyOf(b.parameterGroups);
    this.endpoint = b.endpoint;
    this.engine = b.engine;
    this.masterUsername = b.masterUsername;
    this.allocatedStorageGib = b.allocatedStorageGib;
    this.tags = Collections.unmodifiableMap(new LinkedHashMap<>(b.tags));
    this.detail = b.detail;
  }

  /** A builder for the instance with this identifier. */
  public static Builder builder(String id) {
    return new Builder(id);
  }

  /** A builder holding this instance's values, to change some of them. */
  public Builder toBuilder() {
    Builder b = new Builder(id).arn(arn).status(status).pendingModifications(pendingModifications)
        .parameterGroups(parameterGroups).tags(tags).detail(detail);
    b.endpoint = endpoint;
    b.engine = engine;
    b.masterUsername = masterUsername;
    b.allocatedStorageGib = allocatedStorageGib;
    b.kind = kind;
    b.members = members;
    return b;
  }

  /** Whether this is an instance or a cluster. */
  public Kind kind() {
    return kind;
  }

  /** A cluster's member instances (the writer among them); empty for an instance. */
  public List<Member> members() {
    return members;
  }

  /** The DB instance identifier. */
  public String id() {
    return id;
  }

  /** The instance's ARN, which tag calls address. */
  public String arn() {
    return arn;
  }

  /** RDS's {@code DBInstanceStatus}, such as {@code available}, {@code creating}, {@code modifying}. */
  public String status() {
    return status;
  }

  /**
   * The names of the fields RDS lists under {@code PendingModifiedValues} (for example
   * {@code DBInstanceClass}, {@code MasterUserPassword}); empty when nothing is pending.
   */
  public Set<String> pendingModifications() {
    return pendingModifications;
  }

  /** The parameter groups with their apply status. */
  public List<ParameterGroup> parameterGroups() {
    return parameterGroups;
  }

  /** The endpoint, absent while the instance is being created. */
  public Optional<Endpoint> endpoint() {
    return Optional.ofNullable(endpoint);
  }

  /** The engine, such as {@code postgres} or {@code mysql}, when the gateway knows it. */
  public Optional<String> engine() {
    return Optional.ofNullable(engine);
  }

  /** The master user name, when the gateway knows it. */
  public Optional<String> masterUsername() {
    return Optional.ofNullable(masterUsername);
  }

  /** The allocated storage in GiB, when the gateway knows it (deadlines may depend on it). */
  public OptionalInt allocatedStorageGib() {
    return allocatedStorageGib == null ? OptionalInt.empty() : OptionalInt.of(allocatedStorageGib);
  }

  /** All the instance's tags, in the order RDS listed them. */
  public Map<String, String> tags() {
    return tags;
  }

  /**
   * The gateway's own full description of the instance, if it is of the given type; the AWS
   * gateway offers the SDK's {@code DBInstance}, so a step can read any field without another
   * call.
   */
  public <T> Optional<T> detail(Class<T> type) {
    return type.isInstance(detail) ? Optional.of(type.cast(detail)) : Optional.empty();
  }

  /** {@code true} if the status is {@code available}. */
  public boolean isAvailable() {
    return AVAILABLE.equals(status);
  }

  /**
   * {@code true} if nothing is in motion on this describe alone: status {@code available}, no
   * pending modified values, no parameter group {@code applying}. A parameter group
   * {@code pending-reboot} does not keep an instance from being settled: it waits for a reboot that
   * only a step will do. (The engine's own judgement also counts the status policy's usable
   * statuses and treats pending values shown past the settle time as deferred changes.)
   */
  public boolean isSettled() {
    return isAvailable() && pendingModifications.isEmpty() && !hasParameterGroup(APPLYING)
        && members.stream().allMatch(Member::isSettled);
  }

  /** {@code true} if some parameter group (a member's, for a cluster) waits for a reboot to apply. */
  public boolean isPendingReboot() {
    return hasParameterGroup(PENDING_REBOOT) || members.stream().anyMatch(m -> m.parameterGroups().stream()
        .anyMatch(g -> PENDING_REBOOT.equals(g.applyStatus())));
  }

  private boolean hasParameterGroup(String applyStatus) {
    for (ParameterGroup g : parameterGroups) {
      if (applyStatus.equals(g.applyStatus())) {
        return true;
      }
    }
    return false;
  }

  /** Id, status, pending modifications and parameter groups; tags are left out for brevity. */
  @Override
  public String toString() {
    return "RdsInstance[" + (kind == Kind.CLUSTER ? "cluster, " : "") + "id=" + id + ", status=" + status
        + ", pending=" + pendingModifications + ", parameterGroups=" + parameterGroups
        + (kind == Kind.CLUSTER ? ", members=" + members : "") + "]";
  }

  /** Builds an {@link RdsInstance}. Not thread-safe. */
  public static final class Builder {
    private final String id;
    private String arn;
    private String status;
    private Set<String> pendingModifications = Set.of();
    private List<ParameterGroup> parameterGroups = List.of();
    private Endpoint endpoint;
    private String engine;
    private String masterUsername;
    private Integer allocatedStorageGib;
    private Map<String, String> tags = Map.of();
    private Object detail;
    private Kind kind = Kind.INSTANCE;
    private List<Member> members = List.of();

    private Builder(String id) {
      this.id = Objects.requireNonNull(id, "id");
      this.arn = "arn:aws:rds:local:000000000000:db:" + id;
    }

    /** The ARN; defaults to a made-up local ARN for the id. */
    public Builder arn(String arn) {
      this.arn = Objects.requireNonNull(arn, "arn");
      return this;
    }

    /** The status; required. */
    public Builder status(String status) {
      this.status = Objects.requireNonNull(status, "status");
      return this;
    }

    /** The names of the pending modified values. */
    public Builder pendingModifications(Set<String> names) {
      this.pendingModifications = Objects.requireNonNull(names, "names");
      return this;
    }

    /** The parameter groups. */
    public Builder parameterGroups(List<ParameterGroup> groups) {
      this.parameterGroups = Objects.requireNonNull(groups, "groups");
      return this;
    }

    /** The endpoint, or {@code null} for none. */
    public Builder endpoint(String host, int port) {
      this.endpoint = host == null ? null : new Endpoint(host, port);
      return this;
    }

    /** The engine name, or {@code null} if unknown. */
    public Builder engine(String engine) {
      this.engine = engine;
      return this;
    }

    /** The master user name, or {@code null} if unknown. */
    public Builder masterUsername(String masterUsername) {
      this.masterUsername = masterUsername;
      return this;
    }

    /** The allocated storage in GiB, or {@code null} if unknown. */
    public Builder allocatedStorageGib(Integer gib) {
      this.allocatedStorageGib = gib;
      return this;
    }

    /** All tags of the instance. */
    public Builder tags(Map<String, String> tags) {
      this.tags = Objects.requireNonNull(tags, "tags");
      return this;
    }

    /** The gateway's own description object, offered to steps through {@link #detail(Class)}. */
    public Builder detail(Object detail) {
      this.detail = detail;
      return this;
    }

    /** Makes it a cluster with these members (the writer among them). */
    public Builder cluster(List<Member> members) {
      this.kind = Kind.CLUSTER;
      this.members = Objects.requireNonNull(members, "members");
      return this;
    }

    /**
     * @throws NullPointerException if the status was not set
     */
    public RdsInstance build() {
      return new RdsInstance(this);
    }
  }
}
