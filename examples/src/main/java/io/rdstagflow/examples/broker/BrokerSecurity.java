package io.rdstagflow.examples.broker;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.www.BasicAuthenticationEntryPoint;

/**
 * OSB's "Platform to Service Broker Authentication": HTTP basic authentication on every request,
 * {@code 401 Unauthorized} when it fails. The one user is the platform, from
 * {@code broker.username} and {@code broker.password} (or {@code BROKER_USERNAME} and
 * {@code BROKER_PASSWORD}); without them the broker refuses to start. The {@code demo} profile
 * sets demo credentials (application-demo.properties).
 */
@Configuration(proxyBeanMethods = false)
public class BrokerSecurity {

  private static final Logger log = LoggerFactory.getLogger(BrokerSecurity.class);

  /** The demo profile's password (application-demo.properties), refused with real AWS. */
  public static final String DEMO_PASSWORD = "demo-password";

  /** The realm the {@code WWW-Authenticate} header names. */
  public static final String REALM = "rds-tagflow-example-broker";

  /** Every endpoint, the catalog included, needs the platform's credentials; no session, no CSRF. */
  @Bean
  public SecurityFilterChain brokerSecurityFilterChain(HttpSecurity http) throws Exception {
    BasicAuthenticationEntryPoint refusal = new LoggingEntryPoint();
    refusal.setRealmName(REALM);
    return http
        // The error dispatch that renders a refusal's body is not a second request to refuse (and log).
        .authorizeHttpRequests(requests -> requests.dispatcherTypeMatchers(DispatcherType.ERROR).permitAll()
            .anyRequest().authenticated())
        .httpBasic(basic -> basic.authenticationEntryPoint(refusal))
        .exceptionHandling(handling -> handling.authenticationEntryPoint(refusal))
        // The platform is a program sending basic credentials on each call: no cookie to forge.
        .csrf(csrf -> csrf.disable())
        .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
        .build();
  }

  /**
   * The platform's user.
   *
   * @throws IllegalStateException if {@code broker.username} or {@code broker.password} is unset:
   *     a broker without credentials lets anyone who reaches it create and delete databases
   */
  @Bean
  public UserDetailsService platformUser(OsbProperties properties, BrokerProperties backend) {
    if (isBlank(properties.username()) || isBlank(properties.password())) {
      throw new IllegalStateException("broker.username and broker.password are required (environment:"
          + " BROKER_USERNAME, BROKER_PASSWORD): the platform authenticates with them (OSB basic"
          + " authentication). For a local demo, run with --spring.profiles.active=demo");
    }
    if (DEMO_PASSWORD.equals(properties.password()) && backend.backend() == BrokerProperties.Backend.AWS) {
      throw new IllegalStateException("the demo profile's password is public: set broker.password to a secret"
          + " of your own with rdstagflow.backend=aws");
    }
    if (DEMO_PASSWORD.equals(properties.password())) {
      log.warn("the platform authenticates as '{}' with the demo profile's password, which the README publishes:"
          + " for a local try-out only", properties.username());
    }
    String password = properties.password().startsWith("{") ? properties.password() : "{noop}" + properties.password();
    return new InMemoryUserDetailsManager(User.withUsername(properties.username()).password(password).build());
  }

  /** Plain passwords ({@code {noop}}) and Spring Security's encoded forms ({@code {bcrypt}...}). */
  @Bean
  public PasswordEncoder passwordEncoder() {
    return PasswordEncoderFactories.createDelegatingPasswordEncoder();
  }

  private static boolean isBlank(String s) {
    return s == null || s.isBlank();
  }

  /** A refused request is the caller's mistake: one INFO line, no stack trace, no credentials. */
  private static final class LoggingEntryPoint extends BasicAuthenticationEntryPoint {
    @Override
    public void commence(HttpServletRequest request, HttpServletResponse response, AuthenticationException e)
        throws IOException {
      log.info("401 for {} {}: {}", request.getMethod(), request.getRequestURI(),
          request.getHeader("Authorization") == null ? "no credentials" : "wrong credentials");
      super.commence(request, response, e);
    }
  }
}
