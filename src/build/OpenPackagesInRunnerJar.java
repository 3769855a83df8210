import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.Manifest;

/**
 * Build step, run after quarkus:build (pom.xml): adds packages to the {@code Add-Opens} attribute of an executable
 * jar's manifest, keeping what is there. The JDK honours {@code Add-Opens} for the jar {@code java -jar} launches, so
 * the packages are open to the application with nothing on the user's command line. Quarkus writes that attribute
 * itself (the modules its extensions need) and overwrites one given as a packaging property, hence this step.
 *
 * <p>Usage: {@code java src/build/OpenPackagesInRunnerJar.java JAR MODULE/PACKAGE...}
 */
public class OpenPackagesInRunnerJar {

    public static void main(String[] args) throws IOException {
        if (args.length < 2) {
            System.err.println("usage: OpenPackagesInRunnerJar JAR MODULE/PACKAGE...");
            System.exit(2);
        }
        Path jar = Path.of(args[0]).toAbsolutePath();
        try (FileSystem zip = FileSystems.newFileSystem(URI.create("jar:" + jar.toUri()), Map.of())) {
            Path entry = zip.getPath("META-INF", "MANIFEST.MF");
            Manifest manifest;
            try (InputStream in = Files.newInputStream(entry)) {
                manifest = new Manifest(in);
            }
            Attributes main = manifest.getMainAttributes();
            Attributes.Name addOpens = new Attributes.Name("Add-Opens");
            String present = main.getValue(addOpens);
            List<String> opens = new ArrayList<>(present == null || present.isBlank() ? List.of()
                    : Arrays.asList(present.trim().split("\\s+")));
            for (int i = 1; i < args.length; i++) {
                if (!opens.contains(args[i])) {
                    opens.add(args[i]);
                }
            }
            main.put(addOpens, String.join(" ", opens));
            try (OutputStream out = Files.newOutputStream(entry)) {
                manifest.write(out);
            }
            System.out.println(jar.getFileName() + ": Add-Opens: " + String.join(" ", opens));
        }
    }
}
