package org.exitbench;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.GeneralCodingRules.ACCESS_STANDARD_STREAMS;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The layer rules of docs/ARCHITECTURE.md, checked on the compiled main classes. The classes are imported once for
 * all the rules: importing them is what costs.
 */
class ArchitectureTest {

    private static final List<String> LAYERS = List.of("progress", "data", "store", "model", "cascade", "calibrate",
            "train", "deploy", "experiment", "sweep", "report", "workspace", "cli", "spark", "app");

    private static JavaClasses main;

    @BeforeAll
    static void importTheMainClasses() {
        main = new ClassFileImporter().withImportOption(new ImportOption.DoNotIncludeTests())
                .importPackages("org.exitbench");
    }

    @Test
    void onlyTheAppImportsJavaFx() {
        noClasses().that().resideOutsideOfPackage("org.exitbench.app..")
                .should().dependOnClassesThat().resideInAPackage("javafx..")
                .because("the engine must stay usable headless, from the CLI and from tests")
                .check(main);
    }

    @Test
    void onlyTheSparkPackageTouchesSparkOrHadoop() {
        noClasses().that().resideOutsideOfPackage("org.exitbench.spark..")
                .should().dependOnClassesThat().resideInAnyPackage("org.apache.spark..", "org.apache.hadoop..",
                        "scala..")
                .because("Spark is provided only on a cluster: the desktop app and the CLI must load without it")
                .check(main);
    }

    @Test
    void nothingDependsOnTheFrontEnds() {
        noClasses().that().resideOutsideOfPackages("org.exitbench.app..", "org.exitbench.cli..")
                .should().dependOnClassesThat().resideInAnyPackage("org.exitbench.app..", "org.exitbench.cli..")
                .check(main);
    }

    @Test
    void dependenciesPointDownTheLayers() {
        ArchRule layers = layeredArchitecture()
                .consideringOnlyDependenciesInLayers()
                .layer("Progress").definedBy("org.exitbench.progress..")
                .layer("Data").definedBy("org.exitbench.data..")
                .layer("Store").definedBy("org.exitbench.store..")
                .layer("Model").definedBy("org.exitbench.model..")
                .layer("Cascade").definedBy("org.exitbench.cascade..")
                .layer("Calibrate").definedBy("org.exitbench.calibrate..")
                .layer("Train").definedBy("org.exitbench.train..")
                .layer("Deploy").definedBy("org.exitbench.deploy..")
                .layer("Experiment").definedBy("org.exitbench.experiment..")
                .layer("Sweep").definedBy("org.exitbench.sweep..")
                .layer("Report").definedBy("org.exitbench.report..")
                .layer("Workspace").definedBy("org.exitbench.workspace..")
                .layer("Cli").definedBy("org.exitbench.cli..")
                .layer("Spark").definedBy("org.exitbench.spark..")
                .layer("App").definedBy("org.exitbench.app..")
                .whereLayer("App").mayNotBeAccessedByAnyLayer()
                .whereLayer("Cli").mayNotBeAccessedByAnyLayer()
                .whereLayer("Spark").mayNotBeAccessedByAnyLayer()
                .whereLayer("Workspace").mayOnlyBeAccessedByLayers("Cli", "Spark", "App")
                .whereLayer("Report").mayOnlyBeAccessedByLayers("Workspace", "Cli", "Spark", "App")
                .whereLayer("Sweep").mayOnlyBeAccessedByLayers("Report", "Workspace", "Cli", "Spark", "App")
                .whereLayer("Experiment").mayOnlyBeAccessedByLayers("Sweep", "Report", "Workspace", "Cli", "Spark",
                        "App")
                .whereLayer("Deploy").mayOnlyBeAccessedByLayers("Experiment", "Sweep", "Report", "Workspace", "Cli",
                        "Spark", "App")
                .whereLayer("Train").mayOnlyBeAccessedByLayers("Experiment", "Sweep", "Report", "Workspace", "Cli",
                        "Spark", "App")
                .whereLayer("Calibrate").mayOnlyBeAccessedByLayers("Train", "Experiment", "Sweep", "Report",
                        "Workspace", "Cli", "Spark", "App")
                .whereLayer("Cascade").mayOnlyBeAccessedByLayers("Calibrate", "Train", "Deploy", "Experiment",
                        "Sweep", "Report", "Workspace", "Cli", "Spark", "App")
                .whereLayer("Model").mayOnlyBeAccessedByLayers("Cascade", "Calibrate", "Train", "Deploy",
                        "Experiment", "Sweep", "Report", "Workspace", "Cli", "Spark", "App")
                .whereLayer("Data").mayOnlyBeAccessedByLayers("Model", "Cascade", "Calibrate", "Train", "Deploy",
                        "Experiment", "Sweep", "Report", "Workspace", "Cli", "Spark", "App")
                .whereLayer("Store").mayOnlyBeAccessedByLayers("Model", "Cascade", "Calibrate", "Train", "Deploy",
                        "Experiment", "Sweep", "Report", "Workspace", "Cli", "Spark", "App")
                .withOptionalLayers(true);
        layers.check(main);
    }

    /**
     * The layers are optional in the rule above, so a layer whose package were renamed or emptied would pass it
     * unnoticed: every layer must really hold classes.
     */
    @Test
    void everyLayerHoldsClassesSoNoRuleHoldsVacuously() {
        for (String layer : LAYERS) {
            assertFalse(main.that(resideInAPackage("org.exitbench." + layer + "..")).isEmpty(),
                    "no classes in org.exitbench." + layer);
        }
    }

    @Test
    void theAppsPanesAndPiecesDependOnOneAnotherWithoutCycles() {
        slices().matching("org.exitbench.app.(*)..").should().beFreeOfCycles()
                .because("a pane's package can then be read, tested and changed without the others")
                .check(main);
    }

    @Test
    void viewModelsHoldStateNotNodes() {
        noClasses().that().haveSimpleNameEndingWith("ViewModel")
                .should().dependOnClassesThat().resideInAPackage("javafx.scene..")
                .because("a view-model is tested without the toolkit; its view builds the nodes")
                .check(main);
    }

    @Test
    void onlyTheCommandLinePrintsToTheConsole() {
        noClasses().that().resideOutsideOfPackage("org.exitbench.cli..")
                .should(ACCESS_STANDARD_STREAMS)
                .because("the engine reports through ProgressListener and exceptions; the app shows notices")
                .check(main);
    }
}
