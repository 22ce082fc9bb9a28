package dev.sotto.onnx;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.sotto.onnx.proto.OnnxProtos;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An ONNX model read with protobuf: its nodes in topological order, constants (initializers and Constant
 * node values) by name, and the producer and consumers of every value, so importers can walk the graph
 * instead of trusting names.
 */
public final class OnnxGraph {
    private final OnnxProtos.Model model;
    private final List<OnnxNode> nodes;
    private final Map<String, OnnxTensor> constants;
    private final Map<String, OnnxNode> producers = new HashMap<>();
    private final Map<String, List<OnnxNode>> consumers = new HashMap<>();

    private OnnxGraph(OnnxProtos.Model model) throws OnnxFormatException {
        this.model = model;
        OnnxProtos.Graph g = model.getGraph();
        Map<String, OnnxTensor> consts = new LinkedHashMap<>();
        for (OnnxProtos.Tensor t : g.getInitializerList()) {
            consts.put(t.getName(), new OnnxTensor(t.getName(), t));
        }
        List<OnnxNode> list = new ArrayList<>(g.getNodeCount());
        for (OnnxProtos.Node n : g.getNodeList()) {
            Map<String, OnnxProtos.Attribute> attrs = new HashMap<>();
            for (OnnxProtos.Attribute a : n.getAttributeList()) {
                attrs.put(a.getName(), a);
            }
            OnnxNode node = new OnnxNode(n.getName(), n.getOpType(), n.getInputList(), n.getOutputList(), attrs);
            list.add(node);
            if (node.opType().equals("Constant") && attrs.containsKey("value") && node.outputs().size() == 1) {
                consts.put(node.outputs().get(0), new OnnxTensor(node.outputs().get(0), attrs.get("value").getT()));
            }
            // Exporters deduplicate equal initializers and alias the copies through Identity nodes.
            if (node.opType().equals("Identity") && node.inputs().size() == 1 && node.outputs().size() == 1
                    && consts.containsKey(node.input(0))) {
                consts.put(node.outputs().get(0), consts.get(node.input(0)));
            }
            for (String out : node.outputs()) {
                producers.put(out, node);
            }
            for (String in : node.inputs()) {
                if (!in.isEmpty()) {
                    consumers.computeIfAbsent(in, k -> new ArrayList<>()).add(node);
                }
            }
        }
        this.nodes = Collections.unmodifiableList(list);
        this.constants = Collections.unmodifiableMap(consts);
    }

    /** Reads an ONNX model file. Unreadable or non-ONNX content ends in {@link OnnxFormatException}. */
    public static OnnxGraph read(Path path) throws IOException {
        long size = Files.size(path);
        if (size > Integer.MAX_VALUE - 8) {
            throw new OnnxFormatException(path.getFileName() + ": ONNX files over 2 GB are not supported");
        }
        try (InputStream in = Files.newInputStream(path)) {
            CodedInputStream coded = CodedInputStream.newInstance(in);
            coded.setSizeLimit(Integer.MAX_VALUE);
            OnnxProtos.Model model = OnnxProtos.Model.parseFrom(coded);
            if (!model.hasGraph() || model.getGraph().getNodeCount() == 0) {
                throw new OnnxFormatException(path.getFileName() + ": not an ONNX model (no graph nodes found)");
            }
            return new OnnxGraph(model);
        } catch (InvalidProtocolBufferException e) {
            throw new OnnxFormatException(path.getFileName() + ": not a readable ONNX model (" + e.getMessage() + ")", e);
        } catch (OnnxFormatException e) {
            throw e.getMessage().startsWith(path.getFileName().toString()) ? e
                    : new OnnxFormatException(path.getFileName() + ": " + e.getMessage(), e);
        }
    }

    public List<OnnxNode> nodes() {
        return nodes;
    }

    public Map<String, OnnxTensor> constants() {
        return constants;
    }

    public Optional<OnnxTensor> constant(String name) {
        return Optional.ofNullable(constants.get(name));
    }

    public Optional<OnnxNode> producer(String value) {
        return Optional.ofNullable(producers.get(value));
    }

    public List<OnnxNode> consumers(String value) {
        return consumers.getOrDefault(value, List.of());
    }

    public Optional<OnnxNode> node(String name) {
        return nodes.stream().filter(n -> n.name().equals(name)).findFirst();
    }

    /** Names of the graph's inputs that are not initializers. */
    public List<String> inputNames() {
        return model.getGraph().getInputList().stream().map(OnnxProtos.ValueInfo::getName)
                .filter(n -> !constants.containsKey(n)).toList();
    }

    public List<String> outputNames() {
        return model.getGraph().getOutputList().stream().map(OnnxProtos.ValueInfo::getName).toList();
    }

    /** Version of the default ("ai.onnx") operator set, or 0 when not declared. */
    public long opsetVersion() {
        return model.getOpsetImportList().stream().filter(o -> o.getDomain().isEmpty() || o.getDomain().equals("ai.onnx"))
                .mapToLong(OnnxProtos.OperatorSetId::getVersion).max().orElse(0);
    }

    public String producerName() {
        return model.getProducerName() + (model.getProducerVersion().isEmpty() ? "" : " " + model.getProducerVersion());
    }
}
