package com.example.demo;

import java.net.SocketTimeoutException;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.flowable.engine.delegate.DelegateExecution;
import org.flowable.engine.delegate.JavaDelegate;

/**
 * Every service task of the models. It fails where the instance's variable failAt names the activity:
 * failure "persists" fails on every attempt (a declined card), "recovers" fails on the first attempt
 * only (a timeout, a 503), so a retry from the dashboard succeeds.
 */
public class Delegate implements JavaDelegate {

  // Outlives the rolled-back transaction of a failed attempt, unlike a variable would.
  private static final Set<String> FAILED_ONCE = ConcurrentHashMap.newKeySet();

  private static final Map<String, String[]> FAILURES = Map.of(
      "charge", new String[] {"Payment provider timed out after 30000 ms", "Card declined: insufficient funds"},
      "pay_out", new String[] {"Payment provider timed out after 30000 ms", "Payout rejected: account closed"},
      "score", new String[] {"Scoring service answered 503", "Applicant unknown to the credit bureau"});

  @Override
  public void execute(DelegateExecution execution) {
    String activity = execution.getCurrentActivityId();
    if (!activity.equals(execution.getVariable("failAt"))) {
      return;
    }
    String[] messages = FAILURES.getOrDefault(activity, new String[] {"Service failed", "Service failed"});
    if ("persists".equals(execution.getVariable("failure"))) {
      throw new ServiceFailure(messages[1], null);
    }
    if (FAILED_ONCE.add(execution.getProcessInstanceId() + "/" + activity)) {
      throw new ServiceFailure(messages[0], new SocketTimeoutException("Read timed out"));
    }
  }

  /** What a failing call to a provider raises; its message becomes the incident's. */
  public static class ServiceFailure extends RuntimeException {
    public ServiceFailure(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
