package org.exitbench.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A second process for {@link StagedRunTest}: starts writing a run, says so, and is killed mid-write. */
public final class RunWriterHolder {

    private RunWriterHolder() {
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        StagedRun run = StagedRun.in(Path.of(args[0]));
        Files.writeString(run.folder().resolve("metrics.json"), "{\"half\": ");
        System.out.println("writing");
        System.out.flush();
        Thread.sleep(120_000);
        run.close();
    }
}
