package org.aiod.backup.testing;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A Prometheus text exposition (what {@code /q/metrics} answers), parsed into samples: enough to find a series by
 * its name and some of its labels, whatever the order the registry writes the labels in.
 */
public final class PrometheusText {

    /** One sample line: metric name, labels, value. */
    public record Sample(String name, Map<String, String> labels, double value) {
    }

    private final List<Sample> samples;

    private PrometheusText(List<Sample> samples) {
        this.samples = samples;
    }

    public static PrometheusText parse(String text) {
        List<Sample> samples = new ArrayList<>();
        for (String line : text.split("\n")) {
            line = line.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            samples.add(sample(line));
        }
        return new PrometheusText(samples);
    }

    public List<Sample> samples() {
        return samples;
    }

    /** The value of the one series named {@code name} whose labels include {@code labels}; empty if none. */
    public Optional<Double> value(String name, Map<String, String> labels) {
        List<Sample> found = samples.stream().filter(s -> s.name().equals(name)
                && s.labels().entrySet().containsAll(labels.entrySet())).toList();
        if (found.size() > 1) {
            throw new AssertionError("more than one series " + name + labels + ": " + found);
        }
        return found.stream().findFirst().map(Sample::value);
    }

    /** Like {@link #value} but 0 when the series does not exist (a counter that never counted). */
    public double valueOrZero(String name, Map<String, String> labels) {
        return value(name, labels).orElse(0.0);
    }

    public boolean has(String name) {
        return samples.stream().anyMatch(s -> s.name().equals(name));
    }

    private static Sample sample(String line) {
        int brace = line.indexOf('{');
        int space = line.lastIndexOf(' ');
        Map<String, String> labels = new LinkedHashMap<>();
        String name;
        if (brace >= 0 && brace < space) {
            name = line.substring(0, brace);
            int end = line.lastIndexOf('}');
            String body = line.substring(brace + 1, end);
            int i = 0;
            while (i < body.length()) {
                int eq = body.indexOf('=', i);
                String key = body.substring(i, eq).strip();
                StringBuilder value = new StringBuilder();
                int j = eq + 2; // after ="
                while (body.charAt(j) != '"') {
                    char c = body.charAt(j);
                    if (c == '\\') {
                        char next = body.charAt(++j);
                        value.append(next == 'n' ? '\n' : next);
                    } else {
                        value.append(c);
                    }
                    j++;
                }
                labels.put(key, value.toString());
                i = j + 1;
                while (i < body.length() && (body.charAt(i) == ',' || body.charAt(i) == ' ')) {
                    i++;
                }
            }
            // a timestamp may follow the value: take the first token after the closing brace
            String rest = line.substring(end + 1).strip();
            return new Sample(name, labels, number(rest.split(" ")[0]));
        }
        String[] parts = line.split(" ");
        return new Sample(parts[0], labels, number(parts[1]));
    }

    private static double number(String text) {
        return switch (text) {
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            case "NaN" -> Double.NaN;
            default -> Double.parseDouble(text);
        };
    }
}
