package org.exitbench.app.form;

import java.util.List;
import javafx.beans.Observable;
import javafx.beans.property.DoubleProperty;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleDoubleProperty;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.beans.property.SimpleObjectProperty;
import org.exitbench.calibrate.AnchorSource;
import org.exitbench.calibrate.CpmSettings;
import org.exitbench.calibrate.MarginForm;
import org.exitbench.experiment.ExperimentConfig;

/**
 * The CPM settings a person edits (margin, its form, the anchor, the minimum support) as properties. The precision
 * reference and the score are not shown in any pane: they are taken from the settings the fields are applied to.
 */
public final class CpmFields {

    private final DoubleProperty margin = new SimpleDoubleProperty(this, "margin");
    private final ObjectProperty<MarginForm> marginForm = new SimpleObjectProperty<>(this, "marginForm");
    private final ObjectProperty<AnchorSource> anchorSource = new SimpleObjectProperty<>(this, "anchorSource");
    private final IntegerProperty minimumSupport = new SimpleIntegerProperty(this, "minimumSupport");

    /** Fields holding the {@link CpmSettings#defaults()}. */
    public CpmFields() {
        show(CpmSettings.defaults());
    }

    /** @return CPM's margin m, in [−1, 1] when valid */
    public DoubleProperty marginProperty() {
        return margin;
    }

    /** @return how m lowers the bar: anchor − m or (1 − m) · anchor */
    public ObjectProperty<MarginForm> marginFormProperty() {
        return marginForm;
    }

    /** @return where the anchor precision is measured: the full validation split or each exit's survivors */
    public ObjectProperty<AnchorSource> anchorSourceProperty() {
        return anchorSource;
    }

    /** @return the fewest validation images a CPM threshold may admit for a class, at least 1 when valid */
    public IntegerProperty minimumSupportProperty() {
        return minimumSupport;
    }

    /** @return the four properties, for listeners that follow any change */
    public List<Observable> observables() {
        return List.of(margin, marginForm, anchorSource, minimumSupport);
    }

    /** Shows {@code settings}. */
    public void show(CpmSettings settings) {
        margin.set(settings.margin());
        marginForm.set(settings.marginForm());
        anchorSource.set(settings.anchorSource());
        minimumSupport.set(settings.minimumSupport());
    }

    /** Shows the CPM part of an experiment. */
    public void show(ExperimentConfig.Cpm cpm) {
        margin.set(cpm.margin());
        marginForm.set(cpm.marginForm());
        anchorSource.set(cpm.anchor());
        minimumSupport.set(cpm.minimumSupport());
    }

    /**
     * @param base the settings whose other values are kept
     * @return {@code base} with the fields' values
     * @throws IllegalArgumentException naming the field whose value is out of range
     */
    public CpmSettings appliedTo(CpmSettings base) {
        return base.toBuilder().margin(margin.get()).marginForm(marginForm.get()).anchorSource(anchorSource.get())
                .minimumSupport(minimumSupport.get()).build();
    }

    /**
     * @param base the experiment's CPM part whose other values are kept
     * @return {@code base} with the fields' values, not validated: the experiment's validation names the setting
     */
    public ExperimentConfig.Cpm appliedTo(ExperimentConfig.Cpm base) {
        return new ExperimentConfig.Cpm(margin.get(), marginForm.get(), anchorSource.get(), minimumSupport.get(),
                base.precisionReference(), base.score());
    }

    /** @return the bar in words: "bar = anchor − m" or "bar = (1 − m) · anchor" */
    public static String formName(MarginForm form) {
        return form == MarginForm.ADDITIVE ? "bar = anchor \u2212 m" : "bar = (1 \u2212 m) \u00b7 anchor";
    }
}
