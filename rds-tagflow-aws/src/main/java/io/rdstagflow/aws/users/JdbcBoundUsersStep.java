package io.rdstagflow.aws.users;

import io.rdstagflow.aws.PasswordSource;
import io.rdstagflow.core.RdsInstance;
import io.rdstagflow.core.StepContext;
import io.rdstagflow.core.StepResult;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bound-users step over JDBC, for PostgreSQL (RDS engines {@code postgres},
 * {@code aurora-postgresql}) and MySQL/MariaDB ({@code mysql}, {@code mariadb},
 * {@code aurora-mysql}), chosen from the instance's engine.
 *
 * <h2>What it does</h2>
 *
 * <p>It logs in to the instance as the master user (name from the instance's description,
 * password from the master {@link PasswordSource}) and then:
 * <ol>
 *   <li>for each user that {@link BoundUsers} names, sets the password that the users'
 *       {@link PasswordSource} gives and lets the user log in (PostgreSQL {@code ALTER ROLE ...
 *       WITH LOGIN PASSWORD}, with a SCRAM verifier computed here so the plain password never
 *       reaches the server's statement log; MySQL {@code ALTER USER ... IDENTIFIED BY ... ACCOUNT
 *       UNLOCK}, for every host of that user). The old password stops working.
 *       <p>A name is matched by the database's own rule. PostgreSQL folds unquoted identifiers to
 *       lower case, so a broker that created {@code Binding_A1} unquoted has the role
 *       {@code binding_a1}: a name the database does not have as given is looked up as
 *       PostgreSQL folds it, and the stored role is reset, with a WARN line naming both. MySQL
 *       and MariaDB compare user names exactly ({@code mysql.user} has a binary collation;
 *       {@code binding_a1} cannot log in as {@code Binding_A1}), so there a name matches only as
 *       given. A bound user the database has under neither name is named in a WARN line (with
 *       any users whose names differ from it only in case, which are left alone) and in the
 *       step's closing log line, and then skipped ({@link MissingBoundUsers#SKIP}, the default:
 *       the source may never have had it) or, with {@link MissingBoundUsers#FAIL}, the step
 *       fails naming it once the others are reset;
 *   <li>with {@link OtherLoginUsers#LOCK}, locks every other login user, so no credential the
 *       broker does not know survives the restore. It spares the master user (every host of its
 *       name, and the account {@code current_user}/{@code CURRENT_USER()} names: MySQL's carries
 *       {@code @host}, so it is split before comparing), the bound users, the names given to
 *       {@link Builder#alsoSpare}, and what the database or RDS owns: every name beginning with
 *       {@code rds} ({@code rdsadmin}, {@code rdstopmgr}, {@code rdsrepladmin}, {@code rds_*}),
 *       PostgreSQL superusers and {@code pg_*} roles, MySQL's {@code mysql.sys},
 *       {@code mysql.session}, {@code mysql.infoschema}, MariaDB's {@code mariadb.sys}, and
 *       {@code root} and {@code mysql} of a self-run server. Nothing is ever dropped: users may
 *       own objects, and a lock can be undone.
 * </ol>
 *
 * <h2>Answers</h2>
 *
 * <ul>
 *   <li>{@code done} when all of it is done (also when there are no bound users and nothing to
 *       lock, without connecting).
 *   <li>{@code waiting} while the database cannot be reached (SQLState class {@code 08}, a server
 *       starting or stopping, a connect timeout) or the instance has no endpoint yet: the instance
 *       may still be coming up; the engine bounds the wait with the step's deadline.
 *   <li>{@code retry} when the master login is refused (SQLState class {@code 28}, MySQL error
 *       1045: RDS may still be applying the master password the flow set, although the instance
 *       reads settled; the retry policy ends it if the password is simply wrong), and for other
 *       SQL errors, named by SQLState and vendor code.
 *   <li>{@code failed} with {@link MissingBoundUsers#FAIL} when a bound user is missing, naming it
 *       (the others were reset).
 *   <li>{@code failed} for what no retry cures: an engine the step does not serve, no master user
 *       name in the description, a bound user name that is not a plausible user name or that names
 *       the master or a reserved user, a password that is not printable ASCII, a missing privilege
 *       (SQLState {@code 42501}, MySQL 1044/1142/1227/1410), a database that does not exist.
 * </ul>
 *
 * <p>Exceptions thrown by the {@link BoundUsers}, a {@link PasswordSource} or the
 * {@link ConnectionFactory} other than {@link SQLException} are not caught; the engine classifies
 * them.
 *
 * <h2>Secrets</h2>
 *
 * <p>DDL takes no bind parameters, so passwords go into the statement text as quoted literals
 * (escaped whatever the password holds). That text is never logged, kept or put in a reason; the
 * driver's exception messages, which may echo it, are never read: reasons are built from SQLState
 * and vendor codes alone. A bound user name that is not plausible ({@value #USER_NAME_RULE}) is
 * refused by its position in the list, not echoed. Names read from the database are quoted as
 * identifiers or literals, so a hostile role name in the restored data cannot inject SQL either,
 * and they reach log lines with control characters replaced.
 *
 * <h2>Idempotent and thread-safe</h2>
 *
 * <p>Setting the same deterministic password again, letting a user log in who can, and locking a
 * locked user change nothing, so running the step twice gives the same end state (PostgreSQL
 * stores a fresh salt each time; the password is the same). Immutable; safe to run for many
 * instances at once.
 */
public final class JdbcBoundUsersStep implements BoundUsersStep {

  /** The rule for bound user names, as the step's failure reason states it. */
  public static final String USER_NAME_RULE = "1 to 63 letters, digits, '_', '.' or '-', not starting with '.' or '-'";

  private static final Pattern USER_NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,62}");
  private static final Pattern STEP_NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,31}");
  private static final Logger log = LoggerFactory.getLogger(JdbcBoundUsersStep.class);

  private final String name;
  private final BoundUsers boundUsers;
  private final PasswordSource masterPasswords;
  private final PasswordSource userPasswords;
  private final ConnectionFactory connections;
  private final TlsMode tls;
  private final String database;
  private final OtherLoginUsers otherLoginUsers;
  private final MissingBoundUsers missingBoundUsers;
  private final Set<String> alsoSpare;
  private final Duration statementTimeout;

  private JdbcBoundUsersStep(Builder b) {
    this.name = b.name;
    this.boundUsers = Objects.requireNonNull(b.boundUsers, "boundUsers");
    this.masterPasswords = Objects.requireNonNull(b.masterPasswords, "masterPasswords");
    this.userPasswords = Objects.requireNonNull(b.userPasswords, "userPasswords");
    this.connections = b.connections;
    this.tls = b.tls;
    this.database = b.database;
    this.otherLoginUsers = b.otherLoginUsers;
    this.missingBoundUsers = b.missingBoundUsers;
    this.alsoSpare = Set.copyOf(b.alsoSpare);
    this.statementTimeout = b.statementTimeout;
  }

  /** A builder; {@link Builder#boundUsers}, {@link Builder#masterPasswords} and {@link Builder#userPasswords} are required. */
  public static Builder builder() {
    return new Builder();
  }

  /** The step's name, {@value BoundUsersStep#DEFAULT_NAME} unless built with another. */
  @Override
  public String name() {
    return name;
  }

  /**
   * Resets the bound users' passwords and, if configured, locks the other login users; see the
   * class description for the answers. Idempotent.
   */
  @Override
  public StepResult run(StepContext context) {
    RdsInstance instance = context.instance();
    String engine = instance.engine().orElse("");
    Optional<DatabaseFamily> family = DatabaseFamily.ofEngine(engine);
    if (family.isEmpty()) {
      return StepResult.failed("engine " + SqlText.forLog(engine).replaceAll("[^A-Za-z0-9.-]", "")
          + " is not served by the JDBC bound-users step: it serves postgres aurora-postgresql mysql mariadb aurora-mysql");
    }
    Optional<String> master = instance.masterUsername();
    if (master.isEmpty()) {
      return StepResult.failed("the instance description names no master user to log in as");
    }
    List<String> names = new ArrayList<>(new LinkedHashSet<>(boundUsers.userNames(context)));
    for (int i = 0; i < names.size(); i++) {
      String n = names.get(i);
      if (n == null || !USER_NAME.matcher(n).matches()) {
        return StepResult.failed("bound user name " + (i + 1) + " of " + names.size()
            + " is not a plausible user name: " + USER_NAME_RULE);
      }
      if (n.equals(master.get()) || UserAdmin.reservedName(family.get(), n)) {
        return StepResult.failed("bound user name " + (i + 1) + " of " + names.size()
            + " names the master user or a user reserved by the database or RDS: the step never resets those");
      }
    }
    if (names.isEmpty() && otherLoginUsers == OtherLoginUsers.KEEP) {
      return StepResult.done();
    }
    if (instance.endpoint().isEmpty()) {
      return StepResult.waiting("the instance has no endpoint yet");
    }
    Map<String, String> passwords = new LinkedHashMap<>();
    for (int i = 0; i < names.size(); i++) {
      String password = userPasswords.password(instance.id(), names.get(i));
      if (!usable(password)) {
        return StepResult.failed("the password source gave bound user " + (i + 1) + " of " + names.size()
            + " an unusable password: give 8 to 128 printable ASCII characters");
      }
      passwords.put(names.get(i), password);
    }
    String masterPassword = masterPasswords.password(instance.id(), master.get());
    if (masterPassword == null || masterPassword.indexOf('\0') >= 0) {
      return StepResult.failed("the master password source gave no usable password");
    }
    RdsInstance.Endpoint endpoint = instance.endpoint().get();
    ConnectionTarget target = new ConnectionTarget(family.get(), engine, endpoint.host(), endpoint.port(),
        family.get() == DatabaseFamily.POSTGRESQL ? database : null, master.get(), masterPassword, tls);

    Connection connection;
    try {
      connection = Objects.requireNonNull(connections.open(target), "the ConnectionFactory returned null");
    } catch (SQLException e) {
      StepResult result = SqlFailures.onConnect(e);
      log.info("step {} on instance {}: could not log in as the master user ({}): {}",
          name, instance.id(), SqlFailures.codes(e), result);
      return result;
    }
    Progress progress = new Progress();
    try {
      progress.doing = "reading the session settings";
      UserAdmin admin = UserAdmin.open(family.get(), connection, timeoutSeconds());
      StepResult result = apply(instance.id(), family.get(), master.get(), admin, passwords, progress);
      if (progress.missing.isEmpty()) {
        log.info("step {} on instance {}: reset {} bound users, locked {} other login users",
            name, instance.id(), progress.reset, progress.locked);
      } else {
        log.warn("step {} on instance {}: reset {} bound users, locked {} other login users;"
            + " {} bound users not in the database, not reset: {}",
            name, instance.id(), progress.reset, progress.locked, progress.missing.size(), forLog(progress.missing));
      }
      return result;
    } catch (SQLException e) {
      StepResult result = SqlFailures.onStatement(progress.doing, e);
      log.warn("step {} on instance {}: failed while {} ({}): {}",
          name, instance.id(), progress.doing, SqlFailures.codes(e), result);
      return result;
    } finally {
      closeQuietly(connection);
    }
  }

  private StepResult apply(String instanceId, DatabaseFamily family, String master, UserAdmin admin,
      Map<String, String> passwords, Progress progress) throws SQLException {
    progress.doing = "reading the current user";
    UserAdmin.Account self = admin.current();
    Set<String> stored = new LinkedHashSet<>();
    int index = 0;
    for (Map.Entry<String, String> bound : passwords.entrySet()) {
      index++;
      progress.doing = "resetting bound user " + index + " of " + passwords.size();
      String named = bound.getKey();
      String storedName = named;
      List<UserAdmin.Account> accounts = admin.accountsOf(named);
      Optional<String> folded = admin.folded(named);
      if (accounts.isEmpty() && folded.isPresent()) {
        accounts = admin.accountsOf(folded.get());
        storedName = folded.get();
      }
      if (accounts.isEmpty()) {
        progress.missing.add(named);
        List<String> others = admin.namesDifferingInCase(named);
        log.warn("step {} on instance {}: bound user {} does not exist in the database{}; its password was not reset{}",
            name, instanceId, SqlText.forLog(named),
            folded.map(f -> " (nor as " + displayName(family) + " folds the name: " + SqlText.forLog(f) + ")").orElse(""),
            others.isEmpty() ? "" : "; users whose names differ only in case, left alone: " + forLog(others));
        continue;
      }
      if (!storedName.equals(named)) {
        log.warn("step {} on instance {}: bound user {} is stored as {} ({} folds unquoted names to lower case);"
            + " resetting {}", name, instanceId, SqlText.forLog(named), SqlText.forLog(storedName),
            displayName(family), SqlText.forLog(storedName));
        if (storedName.equals(master) || UserAdmin.reservedName(family, storedName)) {
          return StepResult.failed("bound user name " + index + " of " + passwords.size() + " is stored as"
              + " the master user or a user reserved by the database or RDS: the step never resets those");
        }
      }
      for (UserAdmin.Account account : accounts) {
        if (account.platform()) {
          return StepResult.failed("bound user " + index + " of " + passwords.size()
              + " is a superuser or system user in the database: the step never resets those");
        }
        admin.setPassword(account, bound.getValue());
        log.debug("step {} on instance {}: set a new password for bound user {}", name, instanceId, account.forLog());
      }
      stored.add(storedName);
      progress.reset++;
    }
    if (otherLoginUsers == OtherLoginUsers.LOCK) {
      progress.doing = "listing login users";
      for (UserAdmin.Account account : admin.loginAccounts()) {
        if (spared(family, account, master, self, stored)) {
          continue;
        }
        progress.doing = "locking other login users";
        admin.lock(account);
        progress.locked++;
        log.info("step {} on instance {}: locked login user {}", name, instanceId, account.forLog());
      }
    }
    if (!progress.missing.isEmpty() && missingBoundUsers == MissingBoundUsers.FAIL) {
      // Names passed the step's user-name rule, so they hold only tag-safe characters.
      return StepResult.failed("bound users not in the database, not reset: " + String.join(" ", progress.missing)
          + " (the others were reset)");
    }
    return StepResult.done();
  }

  private static String displayName(DatabaseFamily family) {
    return family == DatabaseFamily.POSTGRESQL ? "PostgreSQL" : "MySQL/MariaDB";
  }

  private static String forLog(Collection<String> names) {
    List<String> safe = new ArrayList<>();
    for (String n : names) {
      safe.add(SqlText.forLog(n));
    }
    return String.join(" ", safe);
  }

  private boolean spared(DatabaseFamily family, UserAdmin.Account account, String master,
      UserAdmin.Account self, Collection<String> bound) {
    String user = account.user();
    return account.platform()
        || user.equals(master)
        || user.equals(self.user())
        || bound.contains(user)
        || alsoSpare.contains(user)
        || UserAdmin.reservedName(family, user);
  }

  private static boolean usable(String password) {
    if (password == null || password.length() < 8 || password.length() > 128) {
      return false;
    }
    for (int i = 0; i < password.length(); i++) {
      char c = password.charAt(i);
      if (c < 0x20 || c > 0x7e) {
        return false;
      }
    }
    return true;
  }

  private int timeoutSeconds() {
    return (int) Math.max(1, (statementTimeout.toMillis() + 999) / 1000);
  }

  private static void closeQuietly(Connection connection) {
    try {
      connection.close();
    } catch (SQLException e) {
      // The work is done or already failed; a failing close changes neither. Codes only.
      log.debug("closing the database connection failed: {}", SqlFailures.codes(e));
    }
  }

  /** Shows the configuration, never a password source (whose own toString we cannot vouch for). */
  @Override
  public String toString() {
    return "JdbcBoundUsersStep[name=" + name + ", otherLoginUsers=" + otherLoginUsers
        + ", missingBoundUsers=" + missingBoundUsers + ", tls=" + tls
        + ", database=" + database + ", alsoSpare=" + new TreeSet<>(alsoSpare) + ", statementTimeout="
        + statementTimeout + ", connections=" + connections + "]";
  }

  /** What the step got through, for the log line and the reason of a failure. */
  private static final class Progress {
    String doing = "connecting";
    int reset;
    final List<String> missing = new ArrayList<>();
    int locked;
  }

  /** Builds a {@link JdbcBoundUsersStep}. Not thread-safe; the step it builds is. */
  public static final class Builder {
    private String name = DEFAULT_NAME;
    private BoundUsers boundUsers;
    private PasswordSource masterPasswords;
    private PasswordSource userPasswords;
    private ConnectionFactory connections = DriverManagerConnectionFactory.create();
    private TlsMode tls = TlsMode.REQUIRED;
    private String database = "postgres";
    private OtherLoginUsers otherLoginUsers = OtherLoginUsers.KEEP;
    private MissingBoundUsers missingBoundUsers = MissingBoundUsers.SKIP;
    private final Set<String> alsoSpare = new LinkedHashSet<>();
    private Duration statementTimeout = Duration.ofSeconds(10);

    private Builder() {}

    /**
     * The step's name; {@value BoundUsersStep#DEFAULT_NAME} by default.
     *
     * @throws IllegalArgumentException if it is not 1 to 32 of {@code [a-z0-9-]}, starting with a
     *                                  letter or digit
     */
    public Builder name(String name) {
      if (name == null || !STEP_NAME.matcher(name).matches()) {
        throw new IllegalArgumentException("a step name is 1 to 32 of [a-z0-9-], starting with a letter or digit");
      }
      this.name = name;
      return this;
    }

    /** Which users to reset; required. */
    public Builder boundUsers(BoundUsers boundUsers) {
      this.boundUsers = Objects.requireNonNull(boundUsers, "boundUsers");
      return this;
    }

    /**
     * The source of the master user's password, asked with the instance id and its master user
     * name; required. Use the source the flow's master-password step set the password from.
     */
    public Builder masterPasswords(PasswordSource source) {
      this.masterPasswords = Objects.requireNonNull(source, "source");
      return this;
    }

    /** The source of the bound users' new passwords; required. */
    public Builder userPasswords(PasswordSource source) {
      this.userPasswords = Objects.requireNonNull(source, "source");
      return this;
    }

    /** How to open connections; {@link DriverManagerConnectionFactory#create()} by default. */
    public Builder connectionFactory(ConnectionFactory factory) {
      this.connections = Objects.requireNonNull(factory, "factory");
      return this;
    }

    /** The TLS wish passed to the connection factory; {@link TlsMode#REQUIRED} by default. */
    public Builder tls(TlsMode tls) {
      this.tls = Objects.requireNonNull(tls, "tls");
      return this;
    }

    /** The PostgreSQL database to connect to; {@code postgres} (which RDS creates) by default. */
    public Builder database(String database) {
      this.database = Objects.requireNonNull(database, "database");
      return this;
    }

    /** What to do with the other login users; {@link OtherLoginUsers#KEEP} by default. */
    public Builder otherLoginUsers(OtherLoginUsers policy) {
      this.otherLoginUsers = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /**
     * What to do with a bound user the database has under neither its name nor the database's
     * folding of it; {@link MissingBoundUsers#SKIP} by default. Either way it is named in a WARN line.
     */
    public Builder missingBoundUsers(MissingBoundUsers policy) {
      this.missingBoundUsers = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /** User names never to lock, in addition to those the step always spares. */
    public Builder alsoSpare(Collection<String> userNames) {
      for (String n : userNames) {
        alsoSpare.add(Objects.requireNonNull(n, "user name"));
      }
      return this;
    }

    /**
     * The timeout of each statement; 10 seconds by default (a poll has a budget of some seconds).
     *
     * @throws IllegalArgumentException if it is not positive
     */
    public Builder statementTimeout(Duration timeout) {
      Objects.requireNonNull(timeout, "timeout");
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("statement timeout must be positive, was " + timeout);
      }
      this.statementTimeout = timeout;
      return this;
    }

    /**
     * The step.
     *
     * @throws NullPointerException if bound users or a password source is missing
     */
    public JdbcBoundUsersStep build() {
      return new JdbcBoundUsersStep(this);
    }
  }
}
