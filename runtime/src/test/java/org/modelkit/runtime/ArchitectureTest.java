package org.modelkit.runtime;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaMethodCall;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Architecture rules over the classes of every Modelkit bundle this runtime is assembled from (its
 * Maven dependencies, so a new bundle is covered once the runtime lists it); test classes and
 * benchmarks are not imported.
 * <ul>
 * <li>Methods compute on the backend they are bound to: no class outside
 * {@code org.modelkit.compute.pytorch} calls DJL's static factories ({@code Engine.getEngine},
 * {@code Engine.getInstance}, {@code NDManager.newBaseManager}, {@code Model.newInstance}) or an
 * engine's own manager and model factories; they take managers, models and devices from a
 * {@code TensorBackend}.</li>
 * <li>No bundle uses another bundle's {@code *.internal} classes (the exports exclude them; this
 * catches it at the class level, embedded copies included).</li>
 * <li>No class uses DJL's arithmetic with a Java number whose backward pass keeps the scalar ({@code mul}, {@code div},
 * {@code pow}, {@code maximum}, {@code minimum} and their reversed and in-place forms) or DJL's {@code L2Loss}, which
 * multiplies that way: DJL frees the scalar's memory while the graph still reads it; {@code org.modelkit.nn.Scalars}
 * and {@code HalfSquaredLoss} are the safe forms.</li>
 * </ul>
 */
class ArchitectureTest {
    static JavaClasses modelkit;

    @BeforeAll
    static void importBundles() {
        modelkit = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("org.modelkit");
        // a vacuous import would pass every rule: the runtime's bundles hold hundreds of classes
        assertTrue(modelkit.size() > 200, "only " + modelkit.size() + " Modelkit classes were imported");
        assertTrue(modelkit.contain("org.modelkit.linearizer.lqf.internal.FineTuning")
                && modelkit.contain("org.modelkit.compute.pytorch.internal.PyTorchBackend"), "the method bundles are imported");
    }

    /** A call of one of DJL's factories that bypass the bound backend. */
    static final DescribedPredicate<JavaMethodCall> DJL_FACTORY = new DescribedPredicate<>(
            "a DJL engine, manager or model factory (Engine.getEngine/getInstance/newBaseManager/newModel,"
                    + " NDManager.newBaseManager, Model.newInstance)") {
        @Override
        public boolean test(JavaMethodCall call) {
            String owner = call.getTargetOwner().getName();
            String name = call.getName();
            return owner.equals("ai.djl.engine.Engine") && Set.of("getEngine", "getInstance", "newBaseManager", "newModel")
                    .contains(name)
                    || owner.equals("ai.djl.ndarray.NDManager") && name.equals("newBaseManager")
                    || owner.equals("ai.djl.Model") && name.equals("newInstance");
        }
    };

    /** The rule, over the given classes (a test feeds it a class that breaks it). */
    static ArchRule onlyThePyTorchBackendCallsDjlFactories() {
        return noClasses().that().resideOutsideOfPackage("org.modelkit.compute.pytorch..")
                .should().callMethodWhere(DJL_FACTORY)
                .because("methods must compute on the TensorBackend they are bound to (modelkit:backends shows it)");
    }

    @Test
    void onlyThePyTorchBackendCreatesEnginesManagersAndModels() {
        onlyThePyTorchBackendCallsDjlFactories().check(modelkit);
    }

    /** DJL's arithmetic whose backward pass reads the scalar operand that DJL has already closed. */
    static final Set<String> SCALAR_KEEPING = Set.of("mul", "muli", "div", "divi", "rdiv", "rdivi", "pow", "powi",
            "rpow", "rpowi", "maximum", "minimum");

    static final DescribedPredicate<JavaMethodCall> FREED_SCALAR = new DescribedPredicate<>(
            "DJL arithmetic with a java.lang.Number whose backward reads the freed scalar (" + SCALAR_KEEPING
                    + "), or DJL's L2Loss") {
        @Override
        public boolean test(JavaMethodCall call) {
            String owner = call.getTargetOwner().getName();
            if (owner.startsWith("ai.djl.training.loss.")) {
                return call.getName().equals("l2Loss") || owner.equals("ai.djl.training.loss.L2Loss");
            }
            return owner.startsWith("ai.djl.") && SCALAR_KEEPING.contains(call.getName())
                    && call.getTarget().getRawParameterTypes().stream().anyMatch(t -> t.getName().equals("java.lang.Number"));
        }
    };

    static ArchRule noArithmeticWithAFreedScalar() {
        return noClasses().that().doNotHaveFullyQualifiedName("org.modelkit.nn.Scalars")
                .should().callMethodWhere(FREED_SCALAR).orShould().callConstructorWhere(new DescribedPredicate<>("new L2Loss") {
                    @Override
                    public boolean test(com.tngtech.archunit.core.domain.JavaConstructorCall call) {
                        return call.getTargetOwner().getName().equals("ai.djl.training.loss.L2Loss");
                    }
                })
                .because("DJL 0.36 closes the scalar of x.mul(Number) at once and its memory is freed at the next"
                        + " collection, while the backward pass still reads it (org.modelkit.nn.Scalars explains; use it)");
    }

    @Test
    void noDjlArithmeticWithAScalarTheBackwardPassReadsAfterItIsFreed() {
        noArithmeticWithAFreedScalar().check(modelkit);
    }

    @Test
    void aScalarMultiplicationOrDjlsL2LossBreaksTheScalarRule() {
        JavaClasses bad = new ClassFileImporter().importClasses(BadScalar.class);
        AssertionError e = org.junit.jupiter.api.Assertions.assertThrows(AssertionError.class,
                () -> noArithmeticWithAFreedScalar().check(bad));
        assertTrue(e.getMessage().contains("NDArray.mul(java.lang.Number)") && e.getMessage().contains("l2Loss"),
                e.getMessage());
    }

    /** The folder or jar a class was loaded from: one bundle. */
    static String origin(JavaClass c) {
        String uri = c.getSource().map(s -> s.getUri().toString()).orElse("?");
        int jar = uri.indexOf("!/");
        if (jar >= 0) {
            return uri.substring(0, jar);
        }
        String path = c.getName().replace('.', '/') + ".class";
        return uri.endsWith(path) ? uri.substring(0, uri.length() - path.length()) : uri;
    }

    static ArchRule internalClassesAreUsedOnlyInTheirBundle() {
        return classes().that().resideInAPackage("org.modelkit..internal..")
                .should(new ArchCondition<JavaClass>("be used only by classes of their own bundle") {
                    @Override
                    public void check(JavaClass target, ConditionEvents events) {
                        String home = origin(target);
                        for (Dependency d : target.getDirectDependenciesToSelf()) {
                            String from = origin(d.getOriginClass());
                            if (!from.equals(home)) {
                                events.add(SimpleConditionEvent.violated(d, d.getDescription() + " crosses from " + from
                                        + " into " + home));
                            }
                        }
                    }
                });
    }

    @Test
    void noBundleUsesAnotherBundlesInternalClasses() {
        internalClassesAreUsedOnlyInTheirBundle().check(modelkit);
    }

    /** The rules can fail: a method-bundle class that calls Engine.getEngine breaks the first. */
    @Test
    void aStaticEngineCallInAMethodBundleBreaksTheRule() {
        JavaClasses bad = new ClassFileImporter().importClasses(BadMethod.class);
        AssertionError e = org.junit.jupiter.api.Assertions.assertThrows(AssertionError.class,
                () -> onlyThePyTorchBackendCallsDjlFactories().check(bad));
        assertTrue(e.getMessage().contains("BadMethod") && e.getMessage().contains("getEngine"), e.getMessage());
    }
}
