package io.happypath.helm;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import com.marcnuri.helm.Helm;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

/**
 * Renders the chart with helm-java and parses the result with the fabric8 Kubernetes model, which throws on wrong types
 * and keeps unknown fields in {@code additionalProperties}: {@link #unknownFields} reports those, so a typo such as
 * {@code spec.replica} fails a test as it would fail {@code kubectl apply --validate=strict}.
 */
final class Manifests {

    /** The chart, relative to the module directory (Maven runs tests there). */
    static final Path CHART = Path.of("happypath");
    static final Path EVERYTHING = Path.of("src/test/resources/values-everything.yaml");
    static final String RELEASE = "happypath";
    static final String NAMESPACE = "hp";
    /** helm-java's default (1.20) is older than the chart's kubeVersion. */
    static final String KUBE_VERSION = "1.30.0";

    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();
    private static final Pattern DOCUMENT_SEPARATOR = Pattern.compile("(?m)^---\\s*$");

    private Manifests() {
    }

    static Helm chart() {
        return new Helm(CHART);
    }

    /** Renders with the chart's default values plus {@code --set} pairs (key, value, key, value...). */
    static List<HasMetadata> render(Object... sets) {
        return parse(template(null, sets));
    }

    /** Renders with a values file plus {@code --set} pairs. */
    static List<HasMetadata> renderWith(Path valuesFile, Object... sets) {
        return parse(template(valuesFile, sets));
    }

    static String template(Path valuesFile, Object... sets) {
        return template(NAMESPACE, valuesFile, sets);
    }

    static String template(String namespace, Path valuesFile, Object... sets) {
        var cmd = chart().template().withName(RELEASE).withNamespace(namespace).withKubeVersion(KUBE_VERSION);
        if (valuesFile != null) {
            cmd = cmd.withValuesFile(valuesFile);
        }
        for (int i = 0; i < sets.length; i += 2) {
            cmd = cmd.set((String) sets[i], sets[i + 1]);
        }
        return cmd.call();
    }

    /** Parses a multi-document YAML stream; documents that hold only comments are skipped. */
    static List<HasMetadata> parse(String yaml) {
        List<HasMetadata> objects = new ArrayList<>();
        for (String doc : DOCUMENT_SEPARATOR.split(yaml)) {
            if (doc.lines().allMatch(l -> l.isBlank() || l.strip().startsWith("#"))) {
                continue;
            }
            Object parsed = SERIALIZATION.unmarshal(doc);
            if (!(parsed instanceof HasMetadata object)) {
                throw new AssertionError("Not a Kubernetes object: " + doc);
            }
            objects.add(object);
        }
        return objects;
    }

    static <T extends HasMetadata> List<T> ofType(List<HasMetadata> objects, Class<T> type) {
        return objects.stream().filter(type::isInstance).map(type::cast).toList();
    }

    static List<GenericKubernetesResource> ofKind(List<HasMetadata> objects, String kind) {
        return objects.stream().filter(o -> kind.equals(o.getKind())).map(GenericKubernetesResource.class::cast)
                .toList();
    }

    /**
     * Paths of fields the model does not know, e.g. {@code Deployment happypath-x: spec.replica}. Objects of kinds the
     * model has no class for ({@link GenericKubernetesResource}) are skipped: their tests check their fields.
     */
    static List<String> unknownFields(List<HasMetadata> objects) {
        List<String> unknown = new ArrayList<>();
        for (HasMetadata o : objects) {
            if (!(o instanceof GenericKubernetesResource)) {
                walk(o, o.getKind() + " " + o.getMetadata().getName() + ":", unknown,
                        java.util.Collections.newSetFromMap(new IdentityHashMap<>()));
            }
        }
        return unknown;
    }

    private static void walk(Object value, String path, List<String> unknown, Set<Object> seen) {
        if (value == null || !seen.add(value)) {
            return;
        }
        if (value instanceof Collection<?> items) {
            int i = 0;
            for (Object item : items) {
                walk(item, path + "[" + i++ + "]", unknown, seen);
            }
            return;
        }
        if (value instanceof Map<?, ?> map) {
            map.forEach((k, v) -> walk(v, path + "." + k, unknown, seen));
            return;
        }
        if (!value.getClass().getName().startsWith("io.fabric8.")) {
            return;
        }
        for (Method m : value.getClass().getMethods()) {
            if (m.getParameterCount() != 0 || Modifier.isStatic(m.getModifiers()) || !m.getName().startsWith("get")
                    || m.getDeclaringClass() == Object.class) {
                continue;
            }
            Object child;
            try {
                child = m.invoke(value);
            } catch (IllegalAccessException | InvocationTargetException e) {
                continue;
            }
            if (m.getName().equals("getAdditionalProperties")) {
                if (child instanceof Map<?, ?> extra && !extra.isEmpty()) {
                    extra.keySet().forEach(k -> unknown.add(path + " " + k));
                }
                continue;
            }
            String field = Character.toLowerCase(m.getName().charAt(3)) + m.getName().substring(4);
            walk(child, path + " ." + field, unknown, seen);
        }
    }
}
