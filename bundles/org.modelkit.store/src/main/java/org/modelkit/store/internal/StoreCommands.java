package org.modelkit.store.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.apache.felix.service.command.annotations.GogoCommand;
import org.modelkit.api.model.ModelFile;
import org.modelkit.api.model.ModelStore;
import org.modelkit.api.model.StoredModel;
import org.modelkit.shell.format.Summary;
import org.modelkit.shell.format.TextTable;
import org.modelkit.shell.format.Usage;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * {@code modelkit:models} and {@code modelkit:model show|import|promote|remove|restore|purge}: the model
 * store from the shell. Commands parse, call the {@link ModelStore} service and format its answer.
 */
@Component(service = StoreCommands.class)
@GogoCommand(scope = "modelkit", function = {"models", "model"})
public class StoreCommands {
    private final ModelStore store;

    /** @param store the store */
    @Activate
    public StoreCommands(@Reference ModelStore store) {
        this.store = store;
    }

    /** @return every version of every stored model */
    @Descriptor("list the model store's versions: id, version, current, formats, creator, parent, created, size, state")
    public TextTable models() {
        List<List<String>> rows = new ArrayList<>();
        for (StoredModel m : store.list()) {
            rows.add(List.of(m.handle().id(), m.handle().version(), m.current() ? "*" : "", String.join(",", sorted(m)),
                    m.creator(), m.parent() == null ? "-" : m.parent().toString(), m.created().toString(), size(m.size()),
                    m.state().label()));
        }
        return new TextTable(List.of("ID", "VERSION", "CURRENT", "FORMATS", "CREATOR", "PARENT", "CREATED", "SIZE", "STATE"),
                rows);
    }

    /** @return what the action did or shows */
    @Descriptor("the model store: show REF | import PATH [--id ID] | promote REF | remove REF | restore REF | purge REF"
            + " (REF is id, for its current version, or id@version)")
    public Object model(
            @Descriptor("import: the id to import as (default: the folder's or file's name)")
            @Parameter(names = {"--id"}, absentValue = "") String id,
            @Descriptor("show, import, promote, remove, restore or purge") String action,
            @Descriptor("a model reference (id or id@version), or for import a model folder or .onnx/.pt file") String arg)
            throws IOException {
        switch (action) {
            case "show":
                return show(arg);
            case "import":
                return importModel(arg, id.isEmpty() ? null : id);
            case "promote": {
                StoredModel m = store.promote(store.describe(arg).handle());
                return "promoted " + m.handle() + ": it is the current version of " + m.handle().id();
            }
            case "remove": {
                StoredModel m = store.remove(store.describe(arg).handle());
                return "removed " + m.handle() + " (files kept; modelkit:model restore " + m.handle() + " undoes it)";
            }
            case "restore": {
                StoredModel m = store.restore(store.describe(arg).handle());
                return "restored " + m.handle() + ": it is available again";
            }
            case "purge": {
                StoredModel before = store.describe(arg);
                StoredModel m = store.purge(before.handle());
                return "purged " + m.handle() + ": deleted " + size(before.size()) + "; its metadata stays (digest "
                        + m.digest().substring(0, 12) + "…)";
            }
            default:
                throw new IllegalArgumentException("model: unknown action '" + action
                        + "'; use show, import, promote, remove, restore or purge");
        }
    }

    private String importModel(String path, String id) throws IOException {
        Path source = Path.of(path);
        Set<String> before = new TreeSet<>();
        store.list().forEach(m -> before.add(m.handle().toString()));
        StoredModel m = store.importModel(source, id);
        String what = String.format(Locale.ROOT, "%s; %s; sha256 %s…", String.join(", ", sorted(m)), size(m.size()),
                m.digest().substring(0, 12));
        return before.contains(m.handle().toString())
                ? path + " is already stored as " + m.handle() + " (" + what + "): no new version"
                : "imported " + path + " as " + m.handle() + " (" + what + ")";
    }

    private Summary show(String ref) {
        StoredModel m = store.describe(ref);
        Map<String, String> f = new LinkedHashMap<>();
        f.put("state", m.state().label() + (m.current() ? ", current" : "")
                + (m.purged() == null ? "" : ", purged " + m.purged()));
        f.put("digest", m.digest());
        f.put("formats", String.join(", ", sorted(m)));
        f.put("creator", m.creator());
        f.put("created", m.created().toString());
        f.put("parent", m.parent() == null ? "-" : m.parent().toString());
        f.put("folder", m.directory().toString());
        for (ModelFile file : m.files()) {
            f.put("file " + file.name(), file.sha256() + "  " + size(file.size()));
        }
        new java.util.TreeMap<>(m.properties()).forEach((k, v) -> f.put("property " + k, v));
        f.put("lineage", lineage(m));
        return new Summary(m.handle() + " (" + m.state().label() + (m.current() ? ", current" : "") + "): "
                + String.join(", ", sorted(m)) + ", " + size(m.size()) + ", by " + m.creator(), f);
    }

    /** This version, its parent, its parent's parent, ... to the first. */
    private String lineage(StoredModel m) {
        List<String> chain = new ArrayList<>();
        chain.add(m.handle().toString());
        Set<String> seen = new TreeSet<>(chain);
        StoredModel at = m;
        while (at.parent() != null) {
            String p = at.parent().toString();
            if (!seen.add(p)) {
                chain.add(p + " (cycle)");
                break;
            }
            try {
                at = store.describe(p);
                chain.add(p + " (" + at.creator() + ")");
            } catch (RuntimeException e) {
                chain.add(p + " (not in this store)");
                break;
            }
        }
        return String.join(" <- ", chain);
    }

    private static List<String> sorted(StoredModel m) {
        return m.formats().stream().sorted().toList();
    }

    static String size(long bytes) {
        return bytes < 1 << 20 && bytes < 100_000 ? String.format(Locale.ROOT, "%.1f KB", bytes / 1e3)
                : String.format(Locale.ROOT, "%.1f MB", bytes / 1e6);
    }

    /**
     * Gogo calls this when the arguments fit no command of this class: a usage line, not "Cannot coerce".
     *
     * @param argv the command's name, then its arguments
     * @return never
     */
    public Object _main(Object... argv) {
        throw Usage.mismatch(this, argv);
    }
}
