package org.modelkit.spark;

import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;

/** The Spark context of the module's tests: two cores, a failed task tried again once, no UI, loopback only. */
final class LocalSpark {
    private LocalSpark() {
    }

    /** @return a new context on local[2, 2] */
    static JavaSparkContext context() {
        JavaSparkContext sc = new JavaSparkContext(new SparkConf().setMaster("local[2,2]").setAppName("modelkit-test")
                .set("spark.ui.enabled", "false").set("spark.driver.host", "127.0.0.1")
                .set("spark.driver.bindAddress", "127.0.0.1"));
        sc.setLogLevel("ERROR");
        return sc;
    }

    /** @return the number of jobs this context has started */
    static int jobs(JavaSparkContext sc) {
        return sc.statusTracker().getJobIdsForGroup(null).length;
    }
}
