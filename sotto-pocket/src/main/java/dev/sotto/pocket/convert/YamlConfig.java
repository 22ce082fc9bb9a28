package dev.sotto.pocket.convert;

import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/** Upstream's YAML configurations, read with SnakeYAML's safe constructor within limits (kept apart: SnakeYAML is optional). */
final class YamlConfig {
    private YamlConfig() {
    }

    /** The mapping at the root of {@code text}. */
    static Map<?, ?> parse(String text, String source) throws ConversionException {
        LoaderOptions options = new LoaderOptions();
        options.setMaxAliasesForCollections(10);
        options.setAllowRecursiveKeys(false);
        options.setCodePointLimit(1 << 20);
        Object tree;
        try {
            tree = new Yaml(new SafeConstructor(options)).load(text);
        } catch (YAMLException e) {
            throw new ConversionException(source + ": not valid YAML (" + e.getMessage().split("\n")[0] + ")");
        }
        if (!(tree instanceof Map<?, ?> map)) {
            throw new ConversionException(source + ": the configuration must be a mapping");
        }
        return map;
    }
}
