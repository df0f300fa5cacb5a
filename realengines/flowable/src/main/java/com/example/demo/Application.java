package com.example.demo;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;

/** Flowable with its process REST API under /process-api, every request behind HTTP Basic. */
@SpringBootApplication
public class Application {

  public static void main(String[] args) {
    SpringApplication.run(Application.class, args);
  }

  // A stateless API for machines: Basic on every request, no session, no CSRF token to fetch first.
  @Bean
  SecurityFilterChain api(HttpSecurity http) throws Exception {
    return http.authorizeHttpRequests(requests -> requests.anyRequest().authenticated())
        .httpBasic(Customizer.withDefaults())
        .csrf(csrf -> csrf.disable())
        .build();
  }

  // The engine user; Flowable takes the authenticated name as the user of what it records.
  @Bean
  InMemoryUserDetailsManager engineUser(
      @Value("${engine.user}") String user, @Value("${engine.password}") String password) {
    return new InMemoryUserDetailsManager(
        User.withUsername(user).password("{noop}" + password).roles("ADMIN").build());
  }
}
