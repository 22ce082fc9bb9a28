package dev.sotto.onnx;

import dev.sotto.onnx.proto.OnnxProtos;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** One node of an ONNX graph. */
public record OnnxNode(String name, String opType, List<String> inputs, List<String> outputs,
                       Map<String, OnnxProtos.Attribute> attributes) {

    public OnnxNode {
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
        attributes = Map.copyOf(attributes);
    }

    public Optional<Long> intAttribute(String key) {
        OnnxProtos.Attribute a = attributes.get(key);
        return a == null ? Optional.empty() : Optional.of(a.getI());
    }

    public Optional<Float> floatAttribute(String key) {
        OnnxProtos.Attribute a = attributes.get(key);
        return a == null ? Optional.empty() : Optional.of(a.getF());
    }

    /** An INTS attribute, or {@code fallback} when absent. */
    public long[] intsAttribute(String key, long... fallback) {
        OnnxProtos.Attribute a = attributes.get(key);
        return a == null ? fallback : a.getIntsList().stream().mapToLong(Long::longValue).toArray();
    }

    public String input(int i) {
        return i < inputs.size() ? inputs.get(i) : "";
    }

    @Override
    public String toString() {
        return opType + " '" + name + "' " + inputs + " -> " + outputs;
    }
}
