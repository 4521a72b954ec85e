package taskrunner.support;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.commons.support.AnnotationSupport;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A test (or test class) that holds only for one server on its data directory: the cluster pass
 * ({@link ServerFixture#CLUSTER}) skips it, reporting {@link #value}, the reason. A reason names
 * what the test needs (the journal file, a restart, a child process), or the cluster bug it would
 * fail on until that is fixed.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
@ExtendWith(SingleServer.InClusterSkipped.class)
public @interface SingleServer {
    String value();

    /** Skips what carries {@link SingleServer} in cluster mode; runs everything otherwise. */
    final class InClusterSkipped implements ExecutionCondition {
        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            if (!ServerFixture.CLUSTER) return ConditionEvaluationResult.enabled("not the cluster pass");
            return AnnotationSupport.findAnnotation(context.getElement(), SingleServer.class)
                    .map(s -> ConditionEvaluationResult.disabled("single server only: " + s.value()))
                    .orElse(ConditionEvaluationResult.enabled("holds for a cluster"));
        }
    }
}
