package org.exitbench.spark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.spark.launcher.JavaModuleOptions;

/**
 * A Spark standalone cluster on this machine for the tests: a master and workers, each its own JVM started from
 * the test class path with Spark's main classes, everything bound to 127.0.0.1. Workers start their executors as
 * further JVMs, so a test sees what a real cluster does: separate processes, tasks shipped over the network, and a
 * worker that can die. {@link #close} stops every process it started, the executors included.
 */
final class StandaloneCluster implements AutoCloseable {

    private static final String LOOPBACK = "127.0.0.1";

    private final Path home;
    private final Process master;
    private final int masterPort;
    private final int masterUiPort;
    private final List<Process> workers = new ArrayList<>();

    /**
     * Starts a master and {@code workers} workers of one core and {@code workerMemory} each and waits until every
     * worker has registered.
     *
     * @param home a folder for the cluster's logs and work folders
     */
    StandaloneCluster(Path home, int workers, String workerMemory, Duration startTimeout) throws IOException {
        this.home = home;
        // Executors are launched with SPARK_HOME/jars on their class path; an empty one leaves the class path to
        // spark.executor.extraClassPath (the test class path, Spark included).
        Files.createDirectories(home.resolve("jars"));
        masterPort = freePort();
        masterUiPort = freePort();
        master = start("master", List.of("org.apache.spark.deploy.master.Master", "--host", LOOPBACK, "--port",
                String.valueOf(masterPort), "--webui-port", String.valueOf(masterUiPort)));
        try {
            for (int i = 0; i < workers; i++) {
                addWorker(workerMemory);
            }
            awaitWorkers(workers, startTimeout);
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    /** @return the master's URL */
    String masterUrl() {
        return "spark://" + LOOPBACK + ":" + masterPort;
    }

    /**
     * @return the settings a driver in this JVM needs to use the cluster: loopback addresses, no UI, one core of
     *         small memory per executor, and the test class path for the executors
     */
    Map<String, String> driverSettings(int maxCores) {
        Map<String, String> settings = new LinkedHashMap<>(LocalSparkSweepTest.LOOPBACK);
        settings.put("spark.executor.cores", "1");
        settings.put("spark.cores.max", String.valueOf(maxCores));
        settings.put("spark.executor.memory", "512m");
        settings.put("spark.executor.extraClassPath", System.getProperty("java.class.path"));
        settings.put("spark.executor.extraJavaOptions", "-Dorg.eclipse.deeplearning4j.helpers.disable=false"
                + " -Dorg.slf4j.simpleLogger.defaultLogLevel=warn");
        return settings;
    }

    /** Starts one more worker (one core). */
    void addWorker(String memory) throws IOException {
        int n = workers.size() + 1;
        Path work = Files.createDirectories(home.resolve("worker" + n));
        workers.add(start("worker" + n, List.of("org.apache.spark.deploy.worker.Worker", "--host", LOOPBACK,
                "--port", String.valueOf(freePort()), "--webui-port", String.valueOf(freePort()), "--cores", "1",
                "--memory", memory, "--work-dir", work.toString(), masterUrl())));
    }

    /**
     * Kills worker {@code index} (0-based) and the executor it started, at once and without a goodbye, as when its
     * machine is lost.
     */
    void killWorker(int index) throws InterruptedException {
        Process worker = workers.get(index);
        worker.descendants().forEach(ProcessHandle::destroyForcibly);
        worker.destroyForcibly();
        worker.waitFor(30, TimeUnit.SECONDS);
    }

    /**
     * @return whether worker {@code index} (0-based) has launched an executor for the newest application and kept it
     *         for {@code seconds}: by then the executor has registered and, while tasks are pending, runs one
     */
    boolean executorRunningFor(int index, long seconds) throws IOException {
        Path work = home.resolve("worker" + (index + 1));
        try (var apps = Files.list(work)) {
            // Application ids (app-<time>-<n>) sort by start: a sweep's or a build's earlier jobs are over.
            for (Path app : apps.filter(Files::isDirectory).sorted(java.util.Comparator.reverseOrder()).limit(1)
                    .toList()) {
                try (var executors = Files.list(app)) {
                    for (Path executor : executors.filter(Files::isDirectory).toList()) {
                        long age = System.currentTimeMillis() - Files.getLastModifiedTime(executor).toMillis();
                        if (age >= seconds * 1000) {
                            return true;
                        }
                    }
                }
            }
        }
        return false;
    }

    /** @return how many workers the master counts as alive */
    int aliveWorkers() {
        try {
            HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://" + LOOPBACK + ":" + masterUiPort + "/json/")).timeout(Duration.ofSeconds(5))
                    .build(), HttpResponse.BodyHandlers.ofString());
            JsonNode state = new ObjectMapper().readTree(response.body());
            return state.path("aliveworkers").asInt(0);
        } catch (IOException e) {
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }

    void awaitWorkers(int count, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (aliveWorkers() < count) {
            if (System.nanoTime() > deadline || !master.isAlive()) {
                throw new IOException("the standalone cluster did not start within " + timeout + " (" + aliveWorkers()
                        + " of " + count + " workers registered); see the logs in " + home);
            }
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while the cluster started", e);
            }
        }
    }

    private Process start(String name, List<String> mainAndArguments) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(Arrays.asList(JavaModuleOptions.defaultModuleOptionArray()));
        command.addAll(List.of("-Xmx256m", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "-cp",
                System.getProperty("java.class.path")));
        command.addAll(mainAndArguments);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(home.resolve(name + ".log").toFile());
        Map<String, String> env = builder.environment();
        env.put("SPARK_HOME", home.toString());
        env.put("SPARK_SCALA_VERSION", "2.13");
        env.put("SPARK_LOCAL_IP", LOOPBACK);
        env.put("SPARK_LOCAL_HOSTNAME", "localhost");
        env.put("OMP_NUM_THREADS", "1");
        return builder.start();
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(LOOPBACK))) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        List<Process> all = new ArrayList<>(workers);
        all.add(master);
        for (Process p : all) {
            p.descendants().forEach(ProcessHandle::destroy);
            p.destroy();
        }
        for (Process p : all) {
            try {
                if (!p.waitFor(20, TimeUnit.SECONDS)) {
                    p.descendants().forEach(ProcessHandle::destroyForcibly);
                    p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                p.destroyForcibly();
            }
        }
    }
}
