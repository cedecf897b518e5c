package org.modelkit.testkit;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.modelkit.api.congruent.CongruentResult;
import org.modelkit.api.congruent.FlipMetrics;
import org.modelkit.api.data.Frame;
import org.modelkit.api.data.LabelledSet;
import org.modelkit.api.data.Mask;
import org.modelkit.api.data.Tensor;
import org.modelkit.api.forget.ForgetResult;
import org.modelkit.api.information.InformationSettings;
import org.modelkit.api.information.SampleInformation;
import org.modelkit.api.model.ModelHandle;
import org.modelkit.api.segment.BootstrapRequest;
import org.modelkit.api.segment.BootstrapResult;
import org.modelkit.api.trainingtime.TrainingForecast;
import org.modelkit.api.trainingtime.TrainingPlan;
import org.modelkit.api.translate.Entity;
import org.modelkit.api.translate.StructuredOutput;

/**
 * Each contract's degenerate clause fails a collapsed result and passes a sound one, so a method that returns a
 * constant cannot pass the kit (the clauses that need a framework run in the integration tests).
 */
class DegenerateTest {
    static final ModelHandle OLD = new ModelHandle("m", "1");
    static final ModelHandle NEW = new ModelHandle("m", "2");
    /** Six samples of two features, labels 0, 0, 0, 0, 1, 2: the most common class is two thirds. */
    static final LabelledSet SET = new LabelledSet(Tensor.zeros(6, 2), new int[] {0, 0, 0, 0, 1, 2}, List.of("a", "b", "c"));

    @Test
    void trainingTime() {
        TrainingTimePredictorContract c = new TrainingTimePredictorContract() {
            @Override
            protected ModelHandle model() {
                return OLD;
            }

            @Override
            protected LabelledSet training() {
                return SET;
            }

            @Override
            protected TrainingPlan plan() {
                return new TrainingPlan(3, 2, 0.1, 0, 0, 0.1);
            }

            @Override
            protected String methodName() {
                return "t";
            }
        };
        double[] acc = {0.2, 0.4, 0.6, 0.8};
        assertNull(c.degenerate(new TrainingForecast(new double[] {2, 1, 0.5, 0.2}, acc, -1)));
        assertNotNull(c.degenerate(new TrainingForecast(new double[] {1, 1, 1, 1}, acc, -1)), "constant");
        assertNotNull(c.degenerate(new TrainingForecast(new double[] {1, 2, 3, 4}, acc, -1)), "never below the start");
        assertNotNull(c.degenerate(new TrainingForecast(new double[] {2, 1, 0.5}, new double[] {0, 0, 0}, -1)), "short");
    }

    @Test
    void forgetter() {
        ForgetterContract c = new ForgetterContract() {
            @Override
            protected ModelHandle model() {
                return OLD;
            }

            @Override
            protected LabelledSet training() {
                return SET;
            }

            @Override
            protected int[] forget() {
                return new int[] {0};
            }

            @Override
            protected String methodName() {
                return "f";
            }
        };
        int[] sound = {0, 0, 1, 0, 1, 2};
        assertNull(c.degenerate(new ForgetterContract.Forgotten(new ForgetResult(NEW, 0.5, Map.of()), sound)));
        assertNotNull(c.degenerate(new ForgetterContract.Forgotten(new ForgetResult(OLD, 0.5, Map.of()), sound)), "no new version");
        assertNotNull(c.degenerate(new ForgetterContract.Forgotten(new ForgetResult(NEW, 0.5, Map.of()), new int[6])), "one class");
        assertNotNull(c.degenerate(new ForgetterContract.Forgotten(new ForgetResult(NEW, 0.5, Map.of()), new int[] {0, 1})), "short");
    }

    @Test
    void information() {
        InformationEstimatorContract c = new InformationEstimatorContract() {
            @Override
            protected ModelHandle model() {
                return OLD;
            }

            @Override
            protected LabelledSet training() {
                return SET;
            }

            @Override
            protected Tensor validation() {
                return SET.features();
            }

            @Override
            protected InformationSettings settings() {
                return InformationSettings.DEFAULTS;
            }

            @Override
            protected String methodName() {
                return "i";
            }
        };
        double[] w = new double[6];
        assertNull(c.degenerate(new SampleInformation(w, new double[] {0.1, 0.2, 0.1, 3, 0.1, 0.2})));
        assertNotNull(c.degenerate(new SampleInformation(w, new double[6])), "all zero");
        assertNotNull(c.degenerate(new SampleInformation(w, new double[] {2, 2, 2, 2, 2, 2})), "constant");
    }

    @Test
    void congruent() {
        CongruentTrainerContract c = new CongruentTrainerContract() {
            @Override
            protected ModelHandle referenceModel() {
                return OLD;
            }

            @Override
            protected LabelledSet training() {
                return SET;
            }

            @Override
            protected LabelledSet evaluation() {
                return SET;
            }

            @Override
            protected String methodName() {
                return "c";
            }
        };
        int[] truth = SET.labels();
        FlipMetrics better = FlipMetrics.of(truth, new int[] {0, 0, 0, 0, 0, 0}, new int[] {0, 0, 0, 0, 1, 0});
        FlipMetrics constant = FlipMetrics.of(truth, new int[] {0, 0, 0, 0, 1, 0}, new int[6]);
        assertNull(c.degenerate(new CongruentResult(NEW, better)));
        assertNotNull(c.degenerate(new CongruentResult(NEW, constant)), "the most common class every time");
        assertNotNull(c.degenerate(new CongruentResult(OLD, better)), "the reference handed back");
    }

    @Test
    void segmenterTrainer(@TempDir Path dir) throws Exception {
        Frame f = new Frame(2, 2, 1, new float[4]);
        SegmenterTrainerContract c = new SegmenterTrainerContract() {
            @Override
            protected BootstrapRequest request(Path output) {
                return new BootstrapRequest(List.of(List.of(f, f)), List.of(List.of(new Mask(2, 2, new boolean[4]),
                        new Mask(2, 2, new boolean[4]))), 1, 1, 1, output);
            }

            @Override
            protected String methodName() {
                return "s";
            }
        };
        Path empty = Files.createDirectory(dir.resolve("empty"));
        Path model = Files.createDirectory(dir.resolve("model"));
        Files.writeString(model.resolve("weights.bin"), "w");
        List<BootstrapResult.Round> good = List.of(new BootstrapResult.Round(1, 2, 0.5, 0.6, 0.3));
        assertNull(c.degenerate(new BootstrapResult(model, good, 1)));
        assertNotNull(c.degenerate(new BootstrapResult(empty, good, 1)), "no file");
        assertNotNull(c.degenerate(new BootstrapResult(model, List.of(new BootstrapResult.Round(1, 2, 0.5, 0, 0.3)), 1)), "J 0");
        assertNotNull(c.degenerate(new BootstrapResult(model, List.of(new BootstrapResult.Round(1, 2, 0.5, 0.6, Double.NaN)),
                1)), "NaN loss");
        assertNotNull(c.degenerate(new BootstrapResult(model, List.of(good.get(0), good.get(0)), 1)), "two rounds for one");
    }

    @Test
    void imageSegmenter() {
        ImageSegmenterContract c = new ImageSegmenterContract() {
            @Override
            protected Frame frame() {
                return new Frame(2, 2, 1, new float[4]);
            }

            @Override
            protected String methodName() {
                return "i";
            }
        };
        assertNull(c.degenerate(new Mask(2, 2, new boolean[] {true, false, false, false})));
        assertNotNull(c.degenerate(new Mask(2, 2, new boolean[4])), "empty");
        assertNotNull(c.degenerate(new Mask(2, 2, new boolean[] {true, true, true, true})), "whole");
        assertNotNull(c.degenerate(new Mask(1, 2, new boolean[] {true, false})), "size");
    }

    @Test
    void translator() {
        StructuredTranslatorContract c = new StructuredTranslatorContract() {
            @Override
            protected String task() {
                return "t";
            }

            @Override
            protected String sentence() {
                return "Ada lives in London .";
            }

            @Override
            protected String methodName() {
                return "t";
            }
        };
        assertNull(c.degenerate(new StructuredOutput("[ Ada | person ] lives in London .",
                List.of(new Entity(0, 3, "person", "Ada")), List.of())));
        assertNotNull(c.degenerate(new StructuredOutput("Ada lives in London .", List.of(), List.of())), "no entity");
        assertNotNull(c.degenerate(new StructuredOutput("[ Ada | person ] lives in London .",
                List.of(new Entity(4, 7, "person", "Ada")), List.of())), "misplaced");
        assertNotNull(c.degenerate(new StructuredOutput("[ x | person ]", List.of(new Entity(0, 3, "person", "Ada")),
                List.of())), "the sentence lost");
    }
}
