package org.modelkit.store.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import java.util.logging.Logger;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.modelkit.api.model.ModelFile;
import org.modelkit.api.model.ModelHandle;
import org.modelkit.api.model.ModelIntegrityException;
import org.modelkit.api.model.ModelStore;
import org.modelkit.api.model.ModelWriter;
import org.modelkit.api.model.PromotionGate;
import org.modelkit.api.model.StoredModel;
import org.modelkit.api.model.StoredModel.State;
import org.modelkit.io.AtomicFiles;

/**
 * The {@link ModelStore} on a local file system. Layout: {@code <root>/<id>/<n>/} (one version's files
 * and {@code meta.json}), {@code <root>/<id>/state.json} (current version; per version its state and
 * digest), {@code <root>/<id>/.lock} (the per-id lock) and {@code <root>/.staging/} (publications under
 * way, each beside a lock file its publisher holds).
 *
 * <p>A publication is written into staging, every file is hashed and forced to disk, {@code meta.json}
 * is written and forced, the staging folder is forced and renamed to {@code <root>/<id>/<n>} (a rename
 * onto an existing, never empty, version folder fails, so concurrent publishers get distinct numbers),
 * {@code <root>/<id>} is forced, and {@code state.json} is replaced atomically under the per-id lock (a
 * {@link FileLock} across processes plus a {@link ReentrantLock} within this JVM, since file locks are
 * held per process). Opening the store finishes or cleans up what a killed process left: staging folders
 * whose lock is free are deleted, a whole version folder that {@code state.json} does not list yet is
 * adopted, and a purge that did not finish deleting files is completed. Each is logged.
 */
public final class FileModelStore implements ModelStore {
    static final String META = "meta.json";
    static final String STATE = "state.json";
    static final String LOCK = ".lock";
    static final String STAGING = ".staging";
    private static final Logger LOG = Logger.getLogger(FileModelStore.class.getName());
    private static final Pattern NUMBER = Pattern.compile("[1-9][0-9]{0,8}");
    private static final ConcurrentHashMap<Path, ReentrantLock> JVM_LOCKS = new ConcurrentHashMap<>();

    /** Named points of a publication or state change, where a test can park the process to kill it. */
    @FunctionalInterface
    public interface Hook {
        /** No hook. */
        Hook NONE = phase -> { };

        /** @param phase "files-written", "synced", "renamed" or "state-written" (temporary written, not renamed) */
        void at(String phase);
    }

    /**
     * How the store behaves.
     *
     * @param verify whether {@link #open} hashes every file
     * @param pins   digests versions must have, by handle
     */
    public record Settings(boolean verify, Map<ModelHandle, String> pins) {
        /** Verify always, no pins. */
        public static final Settings DEFAULT = new Settings(true, Map.of());

        public Settings {
            pins = Map.copyOf(pins == null ? Map.of() : pins);
        }

        /**
         * @param entries {@code id@version=<sha-256 hex>}
         * @return the pins
         * @throws IllegalArgumentException naming the entry that is malformed
         */
        public static Map<ModelHandle, String> parsePins(String[] entries) {
            Map<ModelHandle, String> out = new LinkedHashMap<>();
            for (String e : entries == null ? new String[0] : entries) {
                if (e == null || e.isBlank()) {
                    continue;
                }
                int eq = e.indexOf('=');
                String digest = eq < 0 ? "" : e.substring(eq + 1).trim();
                if (eq < 0 || !digest.matches("[0-9a-f]{64}")) {
                    throw new IllegalArgumentException("pin '" + e + "' must be id@version=<SHA-256 in lower-case hex>");
                }
                ModelHandle h = ModelHandle.parse(e.substring(0, eq).trim());
                number(h);
                out.put(h, digest);
            }
            return out;
        }
    }

    private final Path root;
    private final Settings settings;
    private final Supplier<List<PromotionGate>> gates;
    private final Hook hook;

    private FileModelStore(Path root, Settings settings, Supplier<List<PromotionGate>> gates, Hook hook) {
        this.root = root.toAbsolutePath().normalize();
        this.settings = settings;
        this.gates = gates;
        this.hook = hook;
    }

    /**
     * Opens (creating) a store and cleans up after processes killed mid-change.
     *
     * @param root     the root folder
     * @param settings verification and pins
     * @param gates    the promotion gates, asked at each promotion
     * @param hook     test phases, or {@link Hook#NONE}
     * @return the store
     * @throws IOException if the root cannot be created or read
     */
    public static FileModelStore open(Path root, Settings settings, Supplier<List<PromotionGate>> gates, Hook hook)
            throws IOException {
        if (Files.exists(root) && !Files.isDirectory(root)) {
            throw new IllegalArgumentException("model store root '" + root + "' exists and is not a directory");
        }
        FileModelStore s = new FileModelStore(root, settings, gates, hook);
        Files.createDirectories(s.root);
        s.recover();
        return s;
    }

    /** A store with default settings and no gates. */
    public static FileModelStore open(Path root) throws IOException {
        return open(root, Settings.DEFAULT, List::of, Hook.NONE);
    }

    @Override
    public Path root() {
        return root;
    }

    // ---------------------------------------------------------------- reading

    @Override
    public ModelHandle resolve(String reference) {
        return available(reference, parse(reference)).handle();
    }

    @Override
    public StoredModel describe(String reference) {
        ModelHandle h = parse(reference);
        StateFile st = state(h.id(), reference);
        int n = number(h);
        StateFile.Entry e = st.versions().get(n);
        if (e == null) {
            throw new IllegalArgumentException("model '" + reference + "': " + h.id() + " has no version " + n
                    + " (versions: " + st.versions().keySet() + ")");
        }
        return stored(h, st, meta(h));
    }

    @Override
    public StoredModel open(ModelHandle handle) {
        StoredModel m = available(handle.toString(), handle);
        String pin = settings.pins().get(m.handle());
        if (pin != null && !pin.equals(m.digest())) {
            throw new ModelIntegrityException("model " + m.handle() + " is pinned to digest " + pin + " but its "
                    + META + " has digest " + m.digest() + ": it was rewritten after it was pinned", META, pin, m.digest());
        }
        if (settings.verify()) {
            verifyFiles(m);
        }
        return m;
    }

    /** Checks every file against meta.json; refuses missing, added and changed files. */
    private void verifyFiles(StoredModel m) {
        Path dir = m.directory();
        Map<String, ModelFile> listed = new LinkedHashMap<>();
        m.files().forEach(f -> listed.put(f.name(), f));
        try {
            for (ModelFile f : m.files()) {
                Path p = dir.resolve(f.name());
                if (!Files.isRegularFile(p)) {
                    throw new ModelIntegrityException("model " + m.handle() + ": file " + f.name() + " is missing ("
                            + META + " lists it with SHA-256 " + f.sha256() + ")", f.name(), f.sha256(), null);
                }
                String actual = sha256(p);
                if (!actual.equals(f.sha256())) {
                    throw new ModelIntegrityException("model " + m.handle() + ": file " + f.name() + " has SHA-256 "
                            + actual + ", but " + META + " records " + f.sha256() + " (changed after publication)",
                            f.name(), f.sha256(), actual);
                }
            }
            try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
                for (Path p : s) {
                    String name = p.getFileName().toString();
                    if (!name.equals(META) && !listed.containsKey(name)) {
                        throw new ModelIntegrityException("model " + m.handle() + ": file " + name + " is not listed in "
                                + META + " (added after publication)", name, null, Files.isRegularFile(p) ? sha256(p) : null);
                    }
                }
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("model " + m.handle() + ": cannot read its files: " + e.getMessage(), e);
        }
    }

    @Override
    public List<StoredModel> list() {
        List<StoredModel> out = new ArrayList<>();
        for (String id : ids()) {
            out.addAll(versionsOf(id));
        }
        return out;
    }

    @Override
    public List<StoredModel> versions(String id) {
        ModelHandle.checkId(id);
        state(id, id); // refuses an unknown id
        return versionsOf(id);
    }

    private List<StoredModel> versionsOf(String id) {
        StateFile st;
        try {
            st = readState(id);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("model " + id + ": cannot read " + STATE + ": " + e.getMessage(), e);
        }
        if (st == null) {
            return List.of();
        }
        List<StoredModel> out = new ArrayList<>();
        for (Integer n : st.versions().keySet()) {
            ModelHandle h = new ModelHandle(id, Integer.toString(n));
            out.add(stored(h, st, meta(h)));
        }
        return out;
    }

    /** Ids with a state file, sorted. */
    private List<String> ids() {
        List<String> ids = new ArrayList<>();
        try (DirectoryStream<Path> s = Files.newDirectoryStream(root)) {
            for (Path p : s) {
                String n = p.getFileName().toString();
                if (!n.startsWith(".") && Files.isRegularFile(p.resolve(STATE))) {
                    ids.add(n);
                }
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("model store '" + root + "' cannot be read: " + e.getMessage(), e);
        }
        ids.sort(null);
        return ids;
    }

    /** Parses {@code id} (the current version) or {@code id@n}. */
    private ModelHandle parse(String reference) {
        if (reference == null || reference.isEmpty()) {
            throw new IllegalArgumentException("model reference '' is empty: give id or id@version");
        }
        if (reference.indexOf('@') < 0) {
            ModelHandle.checkId(reference);
            StateFile st = state(reference, reference);
            if (st.current() == 0) {
                throw new IllegalArgumentException("model '" + reference + "' has no current version");
            }
            return new ModelHandle(reference, Integer.toString(st.current()));
        }
        int at = reference.indexOf('@');
        String version = reference.substring(at + 1);
        if (reference.indexOf('@', at + 1) < 0 && !NUMBER.matcher(version).matches()) {
            throw new IllegalArgumentException("model reference '" + reference + "': version '" + version
                    + "' is not a version number (1, 2, ...)");
        }
        ModelHandle h;
        try {
            h = ModelHandle.parse(reference);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("model reference '" + reference + "': " + e.getMessage());
        }
        if (!NUMBER.matcher(h.version()).matches()) {
            throw new IllegalArgumentException("model reference '" + reference + "': version '" + h.version()
                    + "' is not a version number (1, 2, ...)");
        }
        return h;
    }

    static int number(ModelHandle h) {
        if (!NUMBER.matcher(h.version()).matches()) {
            throw new IllegalArgumentException("model " + h + ": version '" + h.version() + "' is not a version number (1, 2, ...)");
        }
        return Integer.parseInt(h.version());
    }

    /** The state of an id, refusing an unknown one. */
    private StateFile state(String id, String reference) {
        try {
            StateFile st = readState(id);
            if (st == null) {
                throw new IllegalArgumentException("model '" + reference + "': no model " + id + " in the store "
                        + root + " (modelkit:models lists them)");
            }
            return st;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("model " + id + ": cannot read " + STATE + ": " + e.getMessage(), e);
        }
    }

    /** The metadata of an available version, refusing unknown, removed and purged ones. */
    private StoredModel available(String reference, ModelHandle h) {
        StateFile st = state(h.id(), reference);
        int n = number(h);
        StateFile.Entry e = st.versions().get(n);
        if (e == null) {
            throw new IllegalArgumentException("model '" + reference + "': " + h.id() + " has no version " + n
                    + " (versions: " + st.versions().keySet() + ")");
        }
        if (!e.state().equals(State.AVAILABLE.label())) {
            throw new IllegalArgumentException("model '" + reference + "': " + h + " is " + e.state()
                    + (e.state().equals(State.REMOVED.label()) ? " (modelkit:model restore " + h + " makes it available again)"
                            : " on " + e.purged() + "; its files are gone"));
        }
        StoredModel m = stored(h, st, meta(h));
        if (!m.digest().equals(e.digest())) {
            throw new ModelIntegrityException("model " + h + ": " + META + " has digest " + m.digest() + ", but "
                    + STATE + " recorded " + e.digest() + " at publication (" + META + " was changed)", META, e.digest(),
                    m.digest());
        }
        return m;
    }

    private Meta meta(ModelHandle h) {
        Path f = root.resolve(h.id()).resolve(h.version()).resolve(META);
        try {
            return Meta.parse(Files.readString(f, StandardCharsets.UTF_8));
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new ModelIntegrityException("model " + h + ": " + f + " is not valid metadata: not UTF-8 text", META, null,
                    null);
        } catch (NoSuchFileException e) {
            throw new ModelIntegrityException("model " + h + ": " + f + " is missing", META, null, null);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("model " + h + ": cannot read " + f + ": " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new ModelIntegrityException("model " + h + ": " + f + " is not valid metadata: " + e.getMessage(), META,
                    null, null);
        }
    }

    private StoredModel stored(ModelHandle h, StateFile st, Meta m) {
        int n = number(h);
        StateFile.Entry e = st.versions().get(n);
        State state = e == null ? State.AVAILABLE : State.valueOf(e.state().toUpperCase(java.util.Locale.ROOT));
        return new StoredModel(h, root.resolve(h.id()).resolve(h.version()), state, st.current() == n, m.digest(),
                m.formats(), m.spec(),
                m.parent() == null ? null : ModelHandle.parse(m.parent()), m.creator(), Instant.parse(m.created()),
                m.properties(), m.files(), e == null || e.purged() == null ? null : Instant.parse(e.purged()));
    }

    private StateFile readState(String id) throws IOException {
        Path f = root.resolve(id).resolve(STATE);
        if (!Files.isRegularFile(f)) {
            return null;
        }
        try {
            return StateFile.parse(Files.readString(f, StandardCharsets.UTF_8));
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new IllegalStateException("model " + id + ": " + f + " is damaged: not UTF-8 text");
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("model " + id + ": " + f + " is damaged: " + e.getMessage());
        }
    }

    // ---------------------------------------------------------------- publishing

    @Override
    public StoredModel publish(String id, ModelHandle parent, String creator, Map<String, String> properties,
            ModelWriter writer) throws IOException {
        ModelHandle.checkId(id);
        if (creator == null || creator.isBlank()) {
            throw new IllegalArgumentException("publishing " + id + ": the creator must be named");
        }
        if (writer == null) {
            throw new IllegalArgumentException("publishing " + id + ": no writer");
        }
        if (parent != null) {
            available(parent.toString(), parent); // the parent must exist and be available
        }
        Map<String, String> props = properties == null ? Map.of() : properties;
        for (Map.Entry<String, String> e : props.entrySet()) {
            if (e.getKey() == null || e.getKey().isBlank() || e.getValue() == null) {
                throw new IllegalArgumentException("publishing " + id + ": property '" + e.getKey() + "' needs a name and a value");
            }
        }
        Staging staging = Staging.create(root.resolve(STAGING));
        try {
            try {
                writer.write(staging.folder());
            } catch (IOException | RuntimeException e) {
                throw new IOException("publishing " + id + ": writing its files failed: " + message(e), e);
            }
            hook.at("files-written");
            return publishStaged(id, parent, creator, props, staging.folder(), "the files written for " + id);
        } finally {
            staging.close(); // deletes what was not renamed away
        }
    }

    @Override
    public StoredModel importModel(Path source, String id) throws IOException {
        if (source == null || !Files.exists(source)) {
            throw new IllegalArgumentException("import: no file or folder '" + source + "'");
        }
        String name = source.toAbsolutePath().normalize().getFileName().toString();
        boolean folder = Files.isDirectory(source);
        String base = folder ? name : name.replaceFirst("\\.(onnx|pt|torchscript)$", "");
        String target = id == null ? base : id;
        try {
            ModelHandle.checkId(target);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("import '" + source + "': " + e.getMessage()
                    + (id == null ? " (give one with --id)" : ""));
        }
        List<Path> files = new ArrayList<>();
        if (folder) {
            try (Stream<Path> s = Files.list(source)) {
                s.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString().startsWith("."))
                        .filter(p -> !p.getFileName().toString().equals(META)).sorted().forEach(files::add);
            }
        } else if (name.endsWith(".onnx") || name.endsWith(".pt") || name.endsWith(".torchscript")) {
            files.add(source);
        } else {
            throw new IllegalArgumentException("import '" + source + "': a single file must be an ONNX (.onnx) or"
                    + " TorchScript (.pt) model");
        }
        // checked before anything is staged, so a bad source leaves nothing behind
        Path probe = folder ? source : null;
        if (probe != null) {
            ContentChecks.formats(probe, "import folder '" + source + "'");
        } else if (name.endsWith(".onnx")) {
            ContentChecks.onnx(source);
        } else {
            ContentChecks.torchScript(source);
        }
        // identical files (every digest) give the existing version, without staging anything
        List<ModelFile> digests = new ArrayList<>();
        for (Path f : files) {
            digests.add(new ModelFile(folder ? f.getFileName().toString()
                    : name.endsWith(".onnx") ? ContentChecks.ONNX : ContentChecks.TORCHSCRIPT, Files.size(f), sha256(f)));
        }
        StoredModel same = identical(target, digests);
        if (same != null) {
            return same;
        }
        return publish(target, null, IMPORT, Map.of("source", source.toString()), dir -> {
            for (Path f : files) {
                String to = folder ? f.getFileName().toString()
                        : name.endsWith(".onnx") ? ContentChecks.ONNX : ContentChecks.TORCHSCRIPT;
                Files.copy(f, dir.resolve(to));
            }
        });
    }

    private StoredModel publishStaged(String id, ModelHandle parent, String creator, Map<String, String> props,
            Path staged, String what) throws IOException {
        List<ModelFile> files = new ArrayList<>();
        try (DirectoryStream<Path> s = Files.newDirectoryStream(staged)) {
            for (Path p : s) {
                String n = p.getFileName().toString();
                if (!Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    throw new IllegalArgumentException(what + ": '" + n + "' is not a plain file (a version holds"
                            + " plain files only)");
                }
                if (n.equals(META)) {
                    throw new IllegalArgumentException(what + ": '" + META + "' is the store's own file; a model may not"
                            + " bring one");
                }
                files.add(new ModelFile(n, Files.size(p), hashAndSync(p)));
            }
        }
        List<String> formats = ContentChecks.formats(staged, what);
        String spec = Files.isRegularFile(staged.resolve(ContentChecks.SPEC))
                ? ContentChecks.spec(staged.resolve(ContentChecks.SPEC)) : null;
        StoredModel same = identical(id, files);
        if (same != null) {
            LOG.info(() -> "publish " + id + ": the files are those of " + same.handle() + "; no new version");
            return same;
        }
        for (Path p : listFiles(staged)) {
            readOnly(p);
        }
        Path idDir = root.resolve(id);
        Files.createDirectories(idDir);
        String created = Instant.now().truncatedTo(ChronoUnit.MILLIS).toString();
        // the number is claimed (rename) and registered (state.json) under one lock, so versions are listed
        // in the order of their numbers and the first number is the one that becomes current; claimed and
        // registered under two locks, a later number could register first and take "current" (seen once in
        // about ten runs of two threads and two processes publishing at once)
        StoredModel published = locked(id, () -> {
            for (int attempt = 0; attempt < 10_000; attempt++) {
                int n = nextNumber(idDir);
                Meta meta = new Meta(Meta.SCHEMA, id, n, formats, spec,
                        parent == null ? null : parent.toString(), creator, created, props, files);
                writeSynced(staged.resolve(META), meta.pretty());
                readOnly(staged.resolve(META));
                force(staged);
                hook.at("synced");
                Path target = idDir.resolve(Integer.toString(n));
                if (!rename(staged, target)) {
                    makeWritable(staged.resolve(META));
                    Files.delete(staged.resolve(META)); // taken (a folder left by a killed publisher): the next number
                    continue;
                }
                force(idDir);
                readOnlyFolder(target);
                hook.at("renamed");
                String digest = meta.digest();
                ModelHandle h = new ModelHandle(id, Integer.toString(n));
                StateFile now = readState(id);
                now = now == null ? StateFile.empty() : now;
                if (!now.versions().containsKey(n)) {
                    now = now.with(n, new StateFile.Entry(State.AVAILABLE.label(), digest, null));
                    if (now.current() == 0) {
                        now = now.withCurrent(n);
                    }
                    writeState(id, now);
                }
                return stored(h, now, meta);
            }
            return null;
        });
        if (published == null) {
            throw new IOException("publishing " + id + ": no free version number after 10000 attempts");
        }
        return published;
    }

    /** An available version of the id whose files have the same names and digests, or null. */
    private StoredModel identical(String id, List<ModelFile> files) throws IOException {
        StateFile st = readState(id);
        if (st == null) {
            return null;
        }
        List<ModelFile> sorted = files.stream().sorted(Comparator.comparing(ModelFile::name)).toList();
        for (Map.Entry<Integer, StateFile.Entry> e : st.versions().entrySet()) {
            if (!e.getValue().state().equals(State.AVAILABLE.label())) {
                continue;
            }
            ModelHandle h = new ModelHandle(id, Integer.toString(e.getKey()));
            Meta m = meta(h);
            if (m.files().equals(sorted)) {
                return stored(h, st, m);
            }
        }
        return null;
    }

    private static int nextNumber(Path idDir) throws IOException {
        int max = 0;
        try (DirectoryStream<Path> s = Files.newDirectoryStream(idDir)) {
            for (Path p : s) {
                String n = p.getFileName().toString();
                if (NUMBER.matcher(n).matches()) {
                    max = Math.max(max, Integer.parseInt(n));
                }
            }
        }
        return max + 1;
    }

    /** Renames a folder onto a new name; false if the name is taken (a version folder is never empty). */
    private static boolean rename(Path from, Path to) throws IOException {
        if (Files.exists(to)) {
            return false;
        }
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
            return true;
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("the model store needs atomic renames between " + from.getParent() + " and "
                    + to.getParent() + " (one file system)", e);
        } catch (FileSystemException e) {
            if (Files.exists(to)) {
                return false;
            }
            throw e;
        }
    }

    // ---------------------------------------------------------------- state changes

    @Override
    public StoredModel promote(ModelHandle handle) {
        StoredModel candidate = open(handle);
        StateFile before = state(handle.id(), handle.toString());
        if (before.current() == number(handle)) {
            return candidate;
        }
        StoredModel current = open(new ModelHandle(handle.id(), Integer.toString(before.current())));
        for (PromotionGate g : gates.get()) {
            Optional<String> no;
            try {
                no = g.objection(current, candidate);
            } catch (RuntimeException e) {
                no = Optional.of("it failed: " + message(e));
            }
            if (no.isPresent()) {
                throw new IllegalStateException("promotion of " + handle + " refused by gate " + g.name() + ": "
                        + no.get() + " (" + current.handle() + " stays current)");
            }
        }
        return change(handle, st -> {
            if (st.current() != before.current()) {
                throw new IllegalStateException("promotion of " + handle + ": the current version changed to "
                        + handle.id() + "@" + st.current() + " while the gates ran; promote again");
            }
            requireState(handle, st, State.AVAILABLE, "promoted");
            return st.withCurrent(number(handle));
        });
    }

    @Override
    public StoredModel remove(ModelHandle handle) {
        return change(handle, st -> {
            requireState(handle, st, State.AVAILABLE, "removed");
            if (st.current() == number(handle)) {
                throw new IllegalStateException("model " + handle + " is the current version of " + handle.id()
                        + "; promote another version first (modelkit:model promote " + handle.id() + "@N)");
            }
            StateFile.Entry e = st.versions().get(number(handle));
            return st.with(number(handle), new StateFile.Entry(State.REMOVED.label(), e.digest(), null));
        });
    }

    @Override
    public StoredModel restore(ModelHandle handle) {
        return change(handle, st -> {
            requireState(handle, st, State.REMOVED, "restored");
            StateFile.Entry e = st.versions().get(number(handle));
            return st.with(number(handle), new StateFile.Entry(State.AVAILABLE.label(), e.digest(), null));
        });
    }

    @Override
    public StoredModel purge(ModelHandle handle) throws IOException {
        StoredModel m = change(handle, st -> {
            requireState(handle, st, State.REMOVED, "purged");
            StateFile.Entry e = st.versions().get(number(handle));
            return st.with(number(handle), new StateFile.Entry(State.PURGED.label(), e.digest(),
                    Instant.now().truncatedTo(ChronoUnit.MILLIS).toString()));
        });
        deleteModelFiles(m.directory()); // a crash here is finished when the store is next opened
        return m;
    }

    private static void requireState(ModelHandle h, StateFile st, State wanted, String verb) {
        StateFile.Entry e = st.versions().get(number(h));
        if (e == null) {
            throw new IllegalArgumentException("model '" + h + "': " + h.id() + " has no version " + h.version()
                    + " (versions: " + st.versions().keySet() + ")");
        }
        if (!e.state().equals(wanted.label())) {
            throw new IllegalStateException("model " + h + " is " + e.state() + "; only a" + (wanted == State.AVAILABLE
                    ? "n available" : " removed") + " version can be " + verb);
        }
    }

    /** A state change under the per-id lock; the state file is replaced as a whole. */
    private StoredModel change(ModelHandle handle, java.util.function.UnaryOperator<StateFile> f) {
        number(handle);
        state(handle.id(), handle.toString()); // an unknown id is refused before the lock file is made
        try {
            StateFile after = locked(handle.id(), () -> {
                StateFile st = readState(handle.id());
                StateFile next = f.apply(st);
                if (!next.equals(st)) {
                    writeState(handle.id(), next);
                }
                return next;
            });
            return stored(handle, after, meta(handle));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("model " + handle + ": cannot change " + STATE + ": " + e.getMessage(), e);
        }
    }

    private void writeState(String id, StateFile st) throws IOException {
        Path idDir = root.resolve(id);
        AtomicFiles.write(idDir.resolve(STATE), out -> {
            out.write(st.json().getBytes(StandardCharsets.UTF_8));
            out.flush();
            hook.at("state-written");
        });
        force(idDir);
    }

    @FunctionalInterface
    private interface IoCall<T> {
        T call() throws IOException;
    }

    /** Runs under the id's lock: this JVM's lock for the id, then the file lock other processes see. */
    private <T> T locked(String id, IoCall<T> body) throws IOException {
        Path idDir = root.resolve(id);
        Files.createDirectories(idDir);
        Path lockFile = idDir.resolve(LOCK);
        ReentrantLock jvm = JVM_LOCKS.computeIfAbsent(lockFile, k -> new ReentrantLock());
        jvm.lock();
        try (FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                FileLock l = ch.lock()) {
            return body.call();
        } finally {
            jvm.unlock();
        }
    }

    // ---------------------------------------------------------------- recovery

    /** Cleans up after killed processes: staging leftovers, unlisted whole versions, unfinished purges. */
    private void recover() throws IOException {
        Path staging = root.resolve(STAGING);
        if (Files.isDirectory(staging)) {
            Staging.cleanUp(staging, LOG);
        }
        for (Path idDir : listDirs(root)) {
            String id = idDir.getFileName().toString();
            if (id.startsWith(".")) {
                continue;
            }
            try {
                ModelHandle.checkId(id);
            } catch (IllegalArgumentException e) {
                continue; // not a model of this store
            }
            locked(id, () -> {
                recoverId(id, idDir);
                return null;
            });
        }
    }

    private void recoverId(String id, Path idDir) throws IOException {
        try (DirectoryStream<Path> s = Files.newDirectoryStream(idDir, "." + STATE + "*.tmp")) {
            for (Path p : s) {
                Files.deleteIfExists(p);
                LOG.info(() -> "model store: deleted " + p + ", left by a process killed while replacing " + STATE);
            }
        }
        StateFile st = readState(id);
        StateFile before = st;
        st = st == null ? StateFile.empty() : st;
        for (Path v : listDirs(idDir)) {
            String name = v.getFileName().toString();
            if (!NUMBER.matcher(name).matches()) {
                continue;
            }
            int n = Integer.parseInt(name);
            ModelHandle h = new ModelHandle(id, name);
            if (!st.versions().containsKey(n)) {
                // renamed into place by a process killed before it updated state.json: whole, since every
                // file and meta.json were forced before the rename; adopted if its files verify
                Meta m;
                try {
                    m = meta(h);
                } catch (RuntimeException e) {
                    LOG.warning(() -> "model store: " + v + " is not a whole version (" + e.getMessage() + "); left alone");
                    continue;
                }
                StoredModel probe = stored(h, st, m);
                try {
                    verifyFiles(probe);
                } catch (RuntimeException e) {
                    LOG.warning(() -> "model store: " + v + " does not verify (" + e.getMessage() + "); left alone");
                    continue;
                }
                st = st.with(n, new StateFile.Entry(State.AVAILABLE.label(), m.digest(), null));
                if (st.current() == 0) {
                    st = st.withCurrent(n);
                }
                LOG.info(() -> "model store: adopted " + h + ", published by a process killed before it recorded it");
            } else if (st.versions().get(n).state().equals(State.PURGED.label())) {
                deleteModelFiles(v);
            }
        }
        if (!st.equals(before) && !st.versions().isEmpty()) {
            writeState(id, st);
        }
    }

    // ---------------------------------------------------------------- files

    private static List<Path> listDirs(Path dir) throws IOException {
        List<Path> out = new ArrayList<>();
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
            for (Path p : s) {
                if (Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    out.add(p);
                }
            }
        }
        out.sort(null);
        return out;
    }

    private static List<Path> listFiles(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(Files::isRegularFile).sorted().toList();
        }
    }

    /** Deletes a purged version's files, keeping meta.json as its tombstone. */
    private static void deleteModelFiles(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return;
        }
        makeWritable(dir);
        for (Path p : listFiles(dir)) {
            if (!p.getFileName().toString().equals(META)) {
                Files.delete(p);
            }
        }
        force(dir);
        readOnlyFolder(dir);
    }

    /** SHA-256 of a file, read through a channel that is then forced to disk. */
    static String hashAndSync(Path p) throws IOException {
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            String digest = digest(ch);
            ch.force(true);
            return digest;
        }
    }

    static String sha256(Path p) throws IOException {
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
            return digest(ch);
        }
    }

    /**
     * Reads through a 64 KiB heap array: a direct buffer per file (allocated, zeroed and freed only by
     * the collector) cost 3 ms per small file, ten times the hashing itself (benchmarks/store).
     */
    private static String digest(FileChannel ch) throws IOException {
        MessageDigest md = sha();
        byte[] b = new byte[1 << 16];
        ByteBuffer buf = ByteBuffer.wrap(b);
        int n;
        while ((n = ch.read(buf)) >= 0) {
            md.update(b, 0, n);
            buf.clear();
        }
        return HexFormat.of().formatHex(md.digest());
    }

    private static MessageDigest sha() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

    private static void writeSynced(Path p, String text) throws IOException {
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
            while (b.hasRemaining()) {
                ch.write(b);
            }
            ch.force(true);
        }
    }

    /** Forces a folder's entries (new names, renames) to disk. */
    static void force(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // some file systems cannot open a folder for reading; the rename itself is still atomic
            LOG.fine(() -> "cannot force folder " + dir + ": " + e.getMessage());
        }
    }

    private static void readOnly(Path p) {
        try {
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("r--r--r--"));
        } catch (IOException | UnsupportedOperationException e) {
            // not POSIX: the digests still catch a change
        }
    }

    private static void readOnlyFolder(Path p) {
        try {
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("r-xr-xr-x"));
        } catch (IOException | UnsupportedOperationException e) {
            // not POSIX
        }
    }

    private static void makeWritable(Path p) {
        try {
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(Files.isDirectory(p) ? "rwxr-xr-x" : "rw-r--r--"));
        } catch (IOException | UnsupportedOperationException e) {
            // not POSIX
        }
    }

    static String message(Throwable e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    /** A publication's staging folder and the lock file its publisher holds while it exists. */
    private record Staging(Path folder, Path lockFile, FileChannel channel, FileLock lock) implements AutoCloseable {
        static Staging create(Path stagingRoot) throws IOException {
            Files.createDirectories(stagingRoot);
            String name = UUID.randomUUID().toString();
            Path lockFile = stagingRoot.resolve(name + ".lock");
            FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            FileLock l;
            try {
                l = ch.lock();
                return new Staging(Files.createDirectory(stagingRoot.resolve(name)), lockFile, ch, l);
            } catch (IOException | RuntimeException e) {
                ch.close();
                Files.deleteIfExists(lockFile);
                throw e;
            }
        }

        @Override
        public void close() throws IOException {
            try {
                deleteTree(folder);
            } finally {
                lock.release();
                channel.close();
                Files.deleteIfExists(lockFile);
            }
        }

        /** Deletes staging folders whose publisher is gone (its lock is free), and stray lock files. */
        static void cleanUp(Path stagingRoot, Logger log) throws IOException {
            List<Path> entries;
            try (Stream<Path> s = Files.list(stagingRoot)) {
                entries = s.sorted().toList();
            }
            for (Path p : entries) {
                String n = p.getFileName().toString();
                if (n.endsWith(".lock")) {
                    continue;
                }
                Path lockFile = stagingRoot.resolve(n + ".lock");
                if (!Files.exists(lockFile)) {
                    deleteTree(p); // its lock file is made first, so a folder without one was being cleaned up
                    continue;
                }
                try (FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.WRITE)) {
                    FileLock l = ch.tryLock();
                    if (l == null) {
                        continue; // another process is publishing
                    }
                    try {
                        deleteTree(p);
                        log.info(() -> "model store: deleted " + p + ", left by a publication that did not finish");
                    } finally {
                        l.release();
                    }
                    Files.deleteIfExists(lockFile);
                } catch (OverlappingFileLockException e) {
                    // this JVM is publishing it
                } catch (NoSuchFileException e) {
                    // finished meanwhile
                }
            }
            for (Path p : entries) {
                String n = p.getFileName().toString();
                if (n.endsWith(".lock") && !Files.exists(stagingRoot.resolve(n.substring(0, n.length() - 5)))) {
                    try (FileChannel ch = FileChannel.open(p, StandardOpenOption.WRITE)) {
                        FileLock l = ch.tryLock();
                        if (l != null) {
                            l.release();
                            Files.deleteIfExists(p);
                        }
                    } catch (OverlappingFileLockException | NoSuchFileException e) {
                        // in use, or gone
                    }
                }
            }
        }

        static void deleteTree(Path p) throws IOException {
            if (!Files.exists(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                return;
            }
            try (Stream<Path> s = Files.walk(p)) {
                for (Path x : s.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(x);
                }
            }
        }
    }

    /** Reads a small file's bytes; for tests. */
    static byte[] bytes(Path p) throws IOException {
        try (InputStream in = Files.newInputStream(p)) {
            return in.readAllBytes();
        }
    }
}
