package io.vigil.lab.dashboards;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The lint's reading of PromQL: metric selectors apart from label names, functions, keywords, strings and variables. */
class PromQueryTest {
    @Test
    void labelNamesInGroupingsAndMatchersAreNotMetrics() {
        PromQuery query = PromQuery.read(
                "max by (cluster, node) (vigil_a{cluster=~\"$cluster\", state=\"x y\"}) * on (cluster, node) "
                        + "group_left (model) vigil_b{node=~\"$node\"} > bool 30 or label_replace(vigil_c, \"why\", \"disk\", \"\", \"\")");
        assertEquals(
                List.of("vigil_a", "vigil_b", "vigil_c"),
                query.selectors().stream().map(PromQuery.Selector::metric).toList());
        assertEquals(Optional.of("max"), query.selectors().get(0).function());
        assertEquals(Optional.of("label_replace"), query.selectors().get(2).function());
    }

    @Test
    void aRangeBelongsToItsSelectorAndItsFunction() {
        PromQuery query = PromQuery.read(
                "histogram_quantile(0.99, sum by (le) (rate(vigil_x_bucket{a=\"[5m]\"}[$__rate_interval]))) "
                        + "+ predict_linear(vigil_y[6h], 7 * 86400) + sum(vigil_z_total)");
        assertEquals(
                List.of(
                        new PromQuery.Selector("vigil_x_bucket", Optional.of("rate"), true),
                        new PromQuery.Selector("vigil_y", Optional.of("predict_linear"), true),
                        new PromQuery.Selector("vigil_z_total", Optional.of("sum"), false)),
                query.selectors());
        assertEquals(
                List.of(
                        new PromQuery.Range("$__rate_interval", Optional.of("rate")),
                        new PromQuery.Range("6h", Optional.of("predict_linear"))),
                query.ranges());
    }
}
