package org.exitbench.train;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.exitbench.model.BranchInput;
import org.exitbench.model.BranchSpec;
import org.exitbench.progress.CancellationToken;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Branch fits shared between {@link BranchTrainer}s, so that a fit whose inputs are all identical to an earlier
 * one is done once. Branch training is deterministic for a given seed, so a fit is a function of its inputs: the
 * branch architecture and input, the seed, the settings the fit reads (target, temperature, epochs, learning rate,
 * batch size, weight decay, patience, updates per epoch), the feature arrays (by identity: one feature cache) and the exact rows,
 * targets and weights it learns and validates on (by SHA-256).
 *
 * <p>This is what makes a sweep over many configurations affordable: a non-boosted branch learns from every
 * training sample whatever the CPM margin or the other exits are, and the first branch of a boosted cascade is
 * the same network as the non-boosted one at that exit; boosted cascades whose exits share a prefix under the same
 * margin share those branches too. A reused fit gives a fresh network with the stored parameters (each trainer
 * owns its networks, which are not thread-safe), and its epochs are reported again to the listener.
 *
 * <p>Thread-safe: when two trainers need the same fit at once, one fits and the other waits for it. Only
 * parameters and epoch numbers are kept (kilobytes per branch). A memo should serve one feature cache; it holds
 * the cache's arrays as long as it lives.
 */
public final class BranchFitMemo {

    private final ConcurrentHashMap<Key, CompletableFuture<Stored>> fits = new ConcurrentHashMap<>();
    private final AtomicInteger fitted = new AtomicInteger();
    private final AtomicInteger reused = new AtomicInteger();

    private BranchFitMemo() {
    }

    /** @return an empty memo */
    public static BranchFitMemo create() {
        return new BranchFitMemo();
    }

    /** @return how many fits were done through this memo */
    public int fitCount() {
        return fitted.get();
    }

    /** @return how many fits were answered from the memo instead */
    public int reuseCount() {
        return reused.get();
    }

    /** One epoch's numbers, as the fitter recorded them. */
    private record Epoch(int epoch, double trainLoss, double validLoss, double validAccuracy, boolean best) {
    }

    /** A finished fit: the kept parameters and every epoch. */
    private record Stored(INDArray params, List<Epoch> epochs, int bestEpoch) {
    }

    /** Everything a fit depends on; arrays of the feature cache by identity, rows and targets by digest. */
    private record Key(BranchSpec spec, BranchInput input, long seed, BranchTarget target, double temperature,
                       int epochs, int updatesPerEpoch, double learningRate, int batchSize, double weightDecay,
                       int patience, Identity trainFeatures, Identity validFeatures, String digest) {
    }

    /** Compares an object by identity. */
    private record Identity(Object value) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Identity other && other.value == value;
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(value);
        }
    }

    /** Fits through the memo: the stored fit when the inputs were seen before, else a new one, stored. */
    BranchFitter.Fitted fit(BranchFitter fitter, BranchSpec spec, BranchTrainingSettings settings, BranchInput input,
                            BranchFitter.TrainingRows train, BranchFitter.ValidationRows valid, long seed,
                            BranchFitter.EpochRecorder recorder, CancellationToken cancel) {
        Key key = new Key(spec, input, seed, settings.target(), settings.temperature(), settings.epochs(),
                fitter.epochLength().updates(), settings.learningRate(), settings.batchSize(),
                settings.weightDecay(), settings.patience(),
                new Identity(train.features()), new Identity(valid.features()), digest(train, valid));
        while (true) {
            CompletableFuture<Stored> mine = new CompletableFuture<>();
            CompletableFuture<Stored> existing = fits.putIfAbsent(key, mine);
            if (existing == null) {
                return fitAndStore(fitter, input, train, valid, seed, recorder, cancel, key, mine);
            }
            Stored stored = await(existing, cancel);
            if (stored != null) {
                reused.incrementAndGet();
                return replay(fitter, input, seed, stored, recorder);
            }
            // The other fit failed or was cancelled and removed itself: try again, fitting here if need be.
        }
    }

    private BranchFitter.Fitted fitAndStore(BranchFitter fitter, BranchInput input, BranchFitter.TrainingRows train,
                                            BranchFitter.ValidationRows valid, long seed,
                                            BranchFitter.EpochRecorder recorder, CancellationToken cancel, Key key,
                                            CompletableFuture<Stored> mine) {
        List<Epoch> epochs = new ArrayList<>();
        BranchFitter.EpochRecorder recording = (epoch, trainLoss, validLoss, validAccuracy, best) -> {
            epochs.add(new Epoch(epoch, trainLoss, validLoss, validAccuracy, best));
            return recorder.record(epoch, trainLoss, validLoss, validAccuracy, best);
        };
        try {
            BranchFitter.Fitted fitted = fitter.fit(input, train, valid, seed, recording, cancel);
            mine.complete(new Stored(fitted.branch().graph().params().dup(), List.copyOf(epochs),
                    fitted.bestEpoch()));
            this.fitted.incrementAndGet();
            return fitted;
        } catch (RuntimeException | Error e) {
            fits.remove(key, mine);
            mine.completeExceptionally(e);
            throw e;
        }
    }

    /** Waits for another trainer's fit; null when it failed. */
    private static Stored await(CompletableFuture<Stored> future, CancellationToken cancel) {
        while (true) {
            cancel.throwIfCancelled();
            try {
                return future.get(100, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                // Check the token again.
            } catch (ExecutionException e) {
                return null;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for a shared branch fit", e);
            }
        }
    }

    private static BranchFitter.Fitted replay(BranchFitter fitter, BranchInput input, long seed, Stored stored,
                                              BranchFitter.EpochRecorder recorder) {
        List<BranchEpoch> history = new ArrayList<>();
        for (Epoch e : stored.epochs()) {
            history.add(recorder.record(e.epoch(), e.trainLoss(), e.validLoss(), e.validAccuracy(), e.best()));
        }
        return new BranchFitter.Fitted(fitter.restore(input, seed, stored.params()), history, stored.bestEpoch());
    }

    /** SHA-256 of the rows, targets, weights and validation rows of a fit. */
    private static String digest(BranchFitter.TrainingRows train, BranchFitter.ValidationRows valid) {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java platform", e);
        }
        update(sha, train.rows());
        update(sha, train.labels());
        if (train.weights() != null) {
            sha.update((byte) 1);
            ByteBuffer b = ByteBuffer.allocate(Double.BYTES * train.weights().length);
            b.asDoubleBuffer().put(train.weights());
            sha.update(b);
        } else {
            sha.update((byte) 0);
        }
        update(sha, valid.rows());
        update(sha, valid.labels());
        update(sha, valid.truth());
        return HexFormat.of().formatHex(sha.digest());
    }

    private static void update(MessageDigest sha, int[] values) {
        ByteBuffer b = ByteBuffer.allocate(Integer.BYTES * (values.length + 1));
        b.putInt(values.length);
        b.asIntBuffer().put(values);
        sha.update(b.array());
    }

    private static void update(MessageDigest sha, float[] values) {
        ByteBuffer b = ByteBuffer.allocate(Integer.BYTES + Float.BYTES * values.length);
        b.putInt(values.length);
        b.asFloatBuffer().put(values);
        sha.update(b.array());
    }
}
