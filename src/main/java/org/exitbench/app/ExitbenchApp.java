package org.exitbench.app;

import javafx.application.Application;
import javafx.geometry.Insets;
import javafx.scene.Scene;
import javafx.scene.control.Label;
import javafx.scene.layout.BorderPane;
import javafx.stage.Stage;

/** The JavaFX application: one main window holding the Data, Training, Calibration and Analysis panes. */
public final class ExitbenchApp extends Application {

    static void launchWith(String[] args) {
        Application.launch(ExitbenchApp.class, args);
    }

    @Override
    public void start(Stage stage) {
        BorderPane root = new BorderPane(new Label("Exitbench"));
        root.setPadding(new Insets(12));
        stage.setTitle("Exitbench");
        stage.setScene(new Scene(root, 1280, 800));
        stage.show();
    }
}
