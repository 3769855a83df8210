package org.aiod.backup.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.EnvConfigSource;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.smallrye.config.WithName;

/**
 * Reads the deployment files of the repository (the image's Dockerfile, docker-compose.yml, the Kubernetes manifests)
 * for tests that check them against the code, since no container engine runs here. Paths are relative to the
 * project directory, the working directory of surefire and failsafe.
 */
public final class DeploymentFiles {

    public static final Path PROJECT = Path.of("").toAbsolutePath();
    public static final Path DOCKERFILE = PROJECT.resolve("src/main/docker/Dockerfile.jvm");
    public static final Path DOCKERIGNORE = PROJECT.resolve(".dockerignore");
    public static final Path COMPOSE = PROJECT.resolve("docker-compose.yml");
    public static final Path KUBERNETES = PROJECT.resolve("src/main/kubernetes");
    public static final Path PROMETHEUS_RULES = PROJECT.resolve("docs/prometheus-rules.yml");

    private static final YAMLMapper YAML = new YAMLMapper();
    private static final Pattern COMPOSE_VARIABLE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?}");

    private DeploymentFiles() {
    }

    public static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One YAML document. */
    public static JsonNode yaml(Path file) {
        try {
            return YAML.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot parse " + file, e);
        }
    }

    /** Every document of a multi-document YAML file, empty documents left out. */
    public static List<JsonNode> yamlDocuments(Path file) {
        try (var parser = new YAMLFactory().createParser(file.toFile())) {
            List<JsonNode> docs = new ArrayList<>();
            ObjectMapper mapper = new ObjectMapper();
            mapper.readValues(parser, JsonNode.class).forEachRemaining(doc -> {
                if (doc != null && !doc.isNull() && !doc.isMissingNode()) {
                    docs.add(doc);
                }
            });
            return docs;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot parse " + file, e);
        }
    }

    /** The Kubernetes objects of every {@code *.yml} / {@code *.yaml} under src/main/kubernetes. */
    public static List<JsonNode> kubernetesObjects() {
        try (Stream<Path> files = Files.list(KUBERNETES)) {
            List<JsonNode> objects = new ArrayList<>();
            for (Path file : files.filter(f -> f.toString().endsWith(".yml") || f.toString().endsWith(".yaml"))
                    .sorted().toList()) {
                objects.addAll(yamlDocuments(file));
            }
            return objects;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The objects of {@code kind}. */
    public static List<JsonNode> kubernetesObjects(String kind) {
        return kubernetesObjects().stream().filter(o -> kind.equals(o.path("kind").asText())).toList();
    }

    /** The Dockerfile's instructions, continuation lines joined and comments dropped, e.g. {@code "USER 185"}. */
    public static List<String> dockerfileInstructions() {
        List<String> instructions = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : read(DOCKERFILE).split("\n")) {
            String trimmed = line.strip();
            if (trimmed.startsWith("#") || (trimmed.isEmpty() && current.length() == 0)) {
                continue;
            }
            if (trimmed.endsWith("\\")) {
                current.append(trimmed, 0, trimmed.length() - 1).append(' ');
                continue;
            }
            current.append(trimmed);
            if (current.length() > 0) {
                instructions.add(current.toString().strip());
            }
            current.setLength(0);
        }
        return instructions;
    }

    /** The arguments of every instruction named {@code keyword} (upper case), in order. */
    public static List<String> dockerfile(String keyword) {
        return dockerfileInstructions().stream().filter(i -> i.startsWith(keyword + " "))
                .map(i -> i.substring(keyword.length() + 1).strip()).toList();
    }

    /** The image's environment: every {@code ENV}, in both forms ({@code K=V ...} and {@code K V}), quotes removed. */
    public static Map<String, String> dockerfileEnv() {
        Map<String, String> env = new LinkedHashMap<>();
        Pattern pair = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)=(\"[^\"]*\"|'[^']*'|\\S*)");
        for (String args : dockerfile("ENV")) {
            if (!args.matches("^[A-Za-z_][A-Za-z0-9_]*=.*")) {
                String[] kv = args.split("\\s+", 2);
                env.put(kv[0], unquote(kv[1]));
                continue;
            }
            Matcher m = pair.matcher(args);
            while (m.find()) {
                env.put(m.group(1), unquote(m.group(2)));
            }
        }
        return env;
    }

    private static String unquote(String value) {
        if (value.length() >= 2 && (value.startsWith("\"") && value.endsWith("\"")
                || value.startsWith("'") && value.endsWith("'"))) {
            return value.substring(1, value.length() - 1);
        }
        return value;
    }

    /** A compose service's {@code environment}, as written (map or list form). */
    public static Map<String, String> composeEnvironment(JsonNode service) {
        Map<String, String> env = new LinkedHashMap<>();
        JsonNode environment = service.path("environment");
        if (environment.isObject()) {
            environment.fields().forEachRemaining(e -> env.put(e.getKey(), e.getValue().asText()));
        } else if (environment.isArray()) {
            for (JsonNode item : environment) {
                String[] kv = item.asText().split("=", 2);
                env.put(kv[0], kv.length > 1 ? kv[1] : "");
            }
        }
        return env;
    }

    /**
     * A compose value with its {@code ${VAR}}, {@code ${VAR:-default}}, {@code ${VAR-default}} and
     * {@code ${VAR:?message}} references resolved against {@code vars}; a required variable that is missing fails.
     */
    public static String interpolate(String value, Map<String, String> vars) {
        Matcher m = COMPOSE_VARIABLE.matcher(value);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String name = m.group(1);
            String op = m.group(2);
            String arg = m.group(3);
            String set = vars.get(name);
            String replacement;
            if (op == null) {
                replacement = set == null ? "" : set;
            } else if (op.endsWith("-")) {
                replacement = set == null || (op.startsWith(":") && set.isEmpty()) ? arg : set;
            } else {
                if (set == null || set.isEmpty()) {
                    throw new IllegalArgumentException("required variable " + name + " is not set: " + arg);
                }
                replacement = set;
            }
            m.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** The names of the variables a compose value refers to. */
    public static Set<String> variables(String value) {
        Set<String> names = new TreeSet<>();
        Matcher m = COMPOSE_VARIABLE.matcher(value);
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    /** The YAML flow sequence of a commented-out {@code # command: [...]} line of {@code file}, if there is one. */
    public static Optional<List<String>> commentedCommand(Path file) {
        Matcher m = Pattern.compile("(?m)^\\s*#\\s*command:\\s*(\\[.*])\\s*$").matcher(read(file));
        if (!m.find()) {
            return Optional.empty();
        }
        try {
            return Optional.of(YAML.readValue(m.group(1), new TypeReference<List<String>>() {
            }));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The environment variable SmallRye Config reads for {@code property}: non-alphanumerics to _, upper case. */
    public static String envName(String property) {
        return property.replaceAll("[^A-Za-z0-9]", "_").toUpperCase(java.util.Locale.ROOT);
    }

    /**
     * Every property of a {@link ConfigMapping} interface, groups of this project's own interfaces expanded, e.g.
     * {@code backup.schedule.cron}. Map-valued properties are not expanded.
     */
    public static Set<String> mappingProperties(Class<?> mapping) {
        Set<String> names = new TreeSet<>();
        collect(mapping.getAnnotation(ConfigMapping.class).prefix(), mapping, names);
        return names;
    }

    private static void collect(String prefix, Class<?> type, Set<String> names) {
        for (Method method : type.getMethods()) {
            if (Modifier.isStatic(method.getModifiers()) || method.isDefault() || method.getParameterCount() > 0) {
                continue;
            }
            WithName renamed = method.getAnnotation(WithName.class);
            String name = prefix + "." + (renamed != null ? renamed.value() : kebab(method.getName()));
            Class<?> group = group(method.getGenericReturnType());
            if (group != null) {
                collect(name, group, names);
            } else {
                names.add(name);
            }
        }
    }

    /** The project's own interface behind {@code type} (directly or in an Optional), or null for a leaf. */
    private static Class<?> group(Type type) {
        if (type instanceof Class<?> c && c.isInterface() && c.getName().startsWith("org.aiod.backup.")) {
            return c;
        }
        if (type instanceof ParameterizedType p && p.getRawType() == Optional.class) {
            return group(p.getActualTypeArguments()[0]);
        }
        return null;
    }

    private static String kebab(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(java.util.Locale.ROOT);
    }

    /**
     * The service's configuration as it would be read in a container: application.properties (profile prod), then
     * {@code env} as the environment (instead of this process's), with {@code mappings} registered.
     */
    public static SmallRyeConfig config(Map<String, String> env, Class<?>... mappings) {
        SmallRyeConfigBuilder builder = new SmallRyeConfigBuilder()
                .withProfile("prod")
                .withSources(new EnvConfigSource(env, 300))
                .withConverter(Duration.class, 200, new io.quarkus.runtime.configuration.DurationConverter())
                .withValidateUnknown(false);
        for (Class<?> mapping : mappings) {
            builder.withMapping(mapping);
        }
        URL properties = DeploymentFiles.class.getClassLoader().getResource("application.properties");
        try {
            builder.withSources(new PropertiesConfigSource(properties, 250));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return builder.build();
    }

    /** {@code node}'s array elements, or none. */
    public static List<JsonNode> elements(JsonNode node) {
        List<JsonNode> out = new ArrayList<>();
        if (node instanceof ArrayNode array) {
            array.forEach(out::add);
        }
        return out;
    }
}
