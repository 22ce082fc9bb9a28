package dev.sotto.onnx;

import dev.sotto.gguf.GgufWriter;
import dev.sotto.tensor.GgmlType;
import dev.sotto.vits.VitsConfig;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Imports a Piper voice ({@code .onnx} graph plus {@code .onnx.json} config) into one self-contained GGUF file.
 *
 * <p>Weights are found by walking the graph: every Conv/ConvTranspose node names its module ("/flow/flows.6/enc/
 * in_layers.0/Conv") and its weight is whatever constant feeds it, so the weight-norm-folded {@code onnx::Conv_N}
 * tensors of the flow and deduplicated (Identity-aliased) constants are resolved without trusting their names.
 * Layer norms, the phoneme and speaker embeddings and the duration predictor's affine flow are found the same
 * way. Hyperparameters come from weight shapes and node attributes, and every attribute the Java model relies on
 * is checked, so an unexpected graph fails here with a message instead of producing wrong audio.
 */
public final class PiperImporter {
    private final OnnxGraph graph;
    private final String source;
    /** Canonical parameter name -> values and PyTorch shape, in discovery order. */
    private final Map<String, Param> params = new LinkedHashMap<>();
    private final Map<String, OnnxNode> convNodes = new HashMap<>();
    private final java.util.Set<String> checkedConvs = new java.util.HashSet<>();

    /** A parameter: its values and its PyTorch shape. */
    public record Param(float[] values, long[] shape) {
    }

    /** What an import produced. */
    public record Report(VitsConfig config, int tensors, long bytes, Map<GgmlType, Integer> tensorsByType) {
    }

    private PiperImporter(OnnxGraph graph, String source) {
        this.graph = graph;
        this.source = source;
    }

    /** The config file Piper expects beside a voice: {@code VOICE.onnx.json}. */
    public static Path defaultConfigPath(Path onnx) {
        return onnx.resolveSibling(onnx.getFileName() + ".json");
    }

    /**
     * Converts {@code onnx} (+ {@code config}) to a GGUF at {@code out}, the large matrices in {@code type}
     * (see {@link QuantizationPolicy}). The output is written atomically.
     */
    public static Report convert(Path onnx, Path config, Path out, GgmlType type) throws IOException {
        PiperConfigJson json = PiperConfigJson.read(config);
        OnnxGraph graph = OnnxGraph.read(onnx);
        PiperImporter imp = new PiperImporter(graph, onnx.getFileName().toString());
        VitsConfig cfg = imp.collect(json.sampleRate());
        checkAgainstModel(json, cfg, config.getFileName().toString());

        GgufWriter w = new GgufWriter();
        w.put("general.architecture", "vits");
        String name = onnx.getFileName().toString().replaceFirst("\\.onnx$", "");
        w.put("general.name", name);
        w.put("general.source", "piper onnx (" + graph.producerName() + ", opset " + graph.opsetVersion() + ")");
        w.put("sotto.weight_policy", QuantizationPolicy.describe(type));
        cfg.writeTo(w);
        json.writeTo(w);
        Map<GgmlType, Integer> byType = new java.util.EnumMap<>(GgmlType.class);
        long bytes = 0;
        try (Arena arena = Arena.ofConfined()) {
            for (Map.Entry<String, Param> e : imp.params.entrySet()) {
                Param p = e.getValue();
                long[] dims = new long[p.shape.length];
                for (int i = 0; i < dims.length; i++) {
                    dims[i] = p.shape[p.shape.length - 1 - i];
                }
                GgmlType t = QuantizationPolicy.typeFor(e.getKey(), p.shape, type);
                MemorySegment data = arena.allocate(t.bytesFor(p.values.length), 64);
                t.format().quantize(p.values, 0, p.values.length, data, 0);
                w.addTensor(e.getKey(), dims, t, data);
                byType.merge(t, 1, Integer::sum);
                bytes += data.byteSize();
            }
            w.write(out);
        }
        return new Report(cfg, imp.params.size(), bytes, byType);
    }

    /** The config's counts and ids must be ones the model's tensors have. */
    static void checkAgainstModel(PiperConfigJson json, VitsConfig cfg, String where) throws OnnxFormatException {
        if (json.numSpeakers() > Math.max(1, cfg.speakers())) {
            throw new OnnxFormatException(where + ": num_speakers is " + json.numSpeakers() + " but the model has " + Math.max(1, cfg.speakers())
                    + " speaker(s)");
        }
        for (int i = 0; i < json.phonemes().size(); i++) {
            for (int id : json.phonemeIds().get(i)) {
                if (id >= cfg.vocabSize()) {
                    throw new OnnxFormatException(where + ": phoneme '" + json.phonemes().get(i) + "' has id " + id + ", beyond the model's "
                            + cfg.vocabSize() + " symbols");
                }
            }
        }
    }

    /** Reads every parameter the model needs and derives the hyperparameters. */
    VitsConfig collect(int sampleRate) throws OnnxFormatException {
        for (OnnxNode n : graph.nodes()) {
            switch (n.opType()) {
                case "Conv" -> addConv(n, false);
                case "ConvTranspose" -> addConv(n, true);
                case "Gather" -> addGather(n);
                default -> {
                }
            }
        }
        addLayerNorms();
        addDurationAffine();

        long[] emb = shape("enc_p.emb.weight");
        int vocab = (int) emb[0];
        int hidden = (int) emb[1];
        int layers = count("enc_p.encoder.attn_layers.%d.conv_q.weight");
        require(layers > 0, "no text-encoder attention layers found (expected Conv nodes named /enc_p/encoder/attn_layers.N/conv_q/Conv)");
        String rel0 = "enc_p.encoder.attn_layers.0.emb_rel_k";
        for (int i = 0; i < layers; i++) {
            for (String kv : new String[] {"k", "v"}) {
                String key = "enc_p.encoder.attn_layers." + i + ".emb_rel_" + kv;
                OnnxTensor t = graph.constant(key).orElseThrow(() -> error("relative position embedding '" + key + "' not found"));
                put(key, t);
            }
        }
        long[] rel = shape(rel0);
        require(rel.length == 3 && rel[0] == 1 && rel[1] % 2 == 1, "relative embeddings must be [1, 2w+1, d], found " + Arrays.toString(rel));
        int headDim = (int) rel[2];
        require(hidden % headDim == 0, "hidden width " + hidden + " is not a multiple of the head width " + headDim);
        long[] ffn = convShape("enc_p.encoder.ffn_layers.0.conv_1");
        int filter = (int) ffn[0];
        int ffnKernel = (int) ffn[2];
        int inter = (int) convShape("enc_p.proj")[0] / 2;

        int speakers = 1;
        int gin = 0;
        if (params.containsKey("emb_g.weight")) {
            long[] g = shape("emb_g.weight");
            speakers = (int) g[0];
            gin = (int) g[1];
        }

        long[] dpPre = convShape("dp.pre");
        int dpFilter = (int) dpPre[0];
        int dpLayers = count("dp.convs.convs_sep.%d.weight");
        int dpKernel = (int) convShape("dp.convs.convs_sep.0")[2];
        int[] dpFlowIds = indicesDescending("dp\\.flows\\.(\\d+)\\.pre\\.weight");
        require(dpFlowIds.length > 0, "no duration-predictor flows found");
        int dpProjOut = (int) convShape("dp.flows." + dpFlowIds[0] + ".proj")[0];
        require((dpProjOut + 1) % 3 == 0, "duration flow projection has " + dpProjOut + " channels, expected 3 * bins - 1");
        int bins = (dpProjOut + 1) / 3;

        int[] flowIds = indicesDescending("flow\\.flows\\.(\\d+)\\.pre\\.weight");
        require(flowIds.length > 0, "no coupling layers found");
        String wn0 = "flow.flows." + flowIds[0] + ".enc";
        int wnLayers = count(wn0 + ".in_layers.%d.weight");
        int wnKernel = (int) convShape(wn0 + ".in_layers.0")[2];
        int wnDilation = wnLayers > 1 ? (int) convNodes.get(wn0 + ".in_layers.1").intsAttribute("dilations", 1)[0] : 1;

        long[] decPre = convShape("dec.conv_pre");
        int decInitial = (int) decPre[0];
        int stages = count("dec.ups.%d.weight");
        require(stages > 0, "no decoder upsampling layers found");
        int[] rates = new int[stages];
        int[] upKernels = new int[stages];
        for (int i = 0; i < stages; i++) {
            OnnxNode up = convNodes.get("dec.ups." + i);
            rates[i] = (int) up.intsAttribute("strides", 1)[0];
            upKernels[i] = (int) convShape("dec.ups." + i)[2];
        }
        int resblocks = count("dec.resblocks.%d.convs.0.weight") + count("dec.resblocks.%d.convs1.0.weight");
        require(resblocks > 0 && resblocks % stages == 0, resblocks + " residual blocks do not divide into " + stages + " stages");
        int type = params.containsKey("dec.resblocks.0.convs1.0.weight") ? 1 : 2;
        int kernelsPerStage = resblocks / stages;
        int[] rbKernels = new int[kernelsPerStage];
        int[][] rbDilations = new int[kernelsPerStage][];
        String first = type == 1 ? ".convs1." : ".convs.";
        for (int j = 0; j < kernelsPerStage; j++) {
            String base = "dec.resblocks." + j + first;
            int n = count(base + "%d.weight");
            rbKernels[j] = (int) convShape(base + "0")[2];
            rbDilations[j] = new int[n];
            for (int m = 0; m < n; m++) {
                rbDilations[j][m] = (int) convNodes.get(base + m).intsAttribute("dilations", 1)[0];
            }
        }
        int decPost = (int) convShape("dec.conv_post")[2];

        VitsConfig cfg;
        try {
            cfg = new VitsConfig(vocab, hidden, inter, filter, hidden / headDim, layers, ffnKernel, (int) (rel[1] - 1) / 2,
                    speakers, gin, dpFilter, dpKernel, dpLayers, bins, 5.0f, dpFlowIds, flowIds, wnLayers, wnKernel,
                    wnDilation, decInitial, rates, upKernels, type, rbKernels, rbDilations, (int) decPre[2], decPost, sampleRate);
        } catch (IllegalArgumentException e) {
            throw error(e.getMessage());
        }
        checkAttributes(cfg);
        checkOtherConvs();
        reshapeConvWeights();
        return cfg;
    }

    // ---------------------------------------------------------------- graph walking

    /** "/flow/flows.6/enc/in_layers.0/Conv" -> "flow.flows.6.enc.in_layers.0". */
    static String module(String nodeName) {
        String s = nodeName.startsWith("/") ? nodeName.substring(1) : nodeName;
        int slash = s.lastIndexOf('/');
        return slash < 0 ? "" : s.substring(0, slash).replace('/', '.');
    }

    private void addConv(OnnxNode n, boolean transposed) throws OnnxFormatException {
        String module = module(n.name());
        OnnxTensor w = graph.constant(n.input(1)).orElse(null);
        if (w == null) {
            return; // a convolution with computed weights is not part of a Piper voice
        }
        if (module.isEmpty()) {
            String wn = n.input(1);
            require(wn.endsWith(".weight"), "a " + n.opType() + " node without a module name reads unnamed weights '" + wn + "'");
            module = wn.substring(0, wn.length() - ".weight".length());
        }
        require(w.rank() == 3, n.opType() + " '" + n.name() + "' has weights " + w.shapeString() + ", expected rank 3");
        put(module + ".weight", w);
        if (!n.input(2).isEmpty()) {
            OnnxTensor b = graph.constant(n.input(2)).orElseThrow(() -> error(n.opType() + " '" + n.name() + "' has a computed bias"));
            put(module + ".bias", b);
        }
        convNodes.put(module, n);
    }

    private void addGather(OnnxNode n) throws OnnxFormatException {
        String module = module(n.name());
        if (!module.equals("enc_p.emb") && !module.equals("emb_g")) {
            return;
        }
        OnnxTensor table = graph.constant(n.input(0)).orElseThrow(() -> error("embedding '" + module + "' is not a constant"));
        put(module + ".weight", table);
    }

    /** LayerNorm gamma (a rank-1 constant multiplied in) and beta (a rank-1 constant added) of every norm module. */
    private void addLayerNorms() throws OnnxFormatException {
        for (OnnxNode n : graph.nodes()) {
            if (!n.opType().equals("Mul") && !n.opType().equals("Add")) {
                continue;
            }
            String module = module(n.name());
            String last = module.substring(module.lastIndexOf('.', module.lastIndexOf('.') - 1) + 1);
            if (!last.startsWith("norm")) {
                continue;
            }
            for (String in : n.inputs()) {
                OnnxTensor c = graph.constant(in).orElse(null);
                if (c != null && c.rank() == 1 && c.dim(0) > 1) {
                    put(module + (n.opType().equals("Mul") ? ".gamma" : ".beta"), c);
                }
            }
        }
    }

    /** The duration predictor's ElementwiseAffine: m from a Sub, logs stored negated and fed to an Exp. */
    private void addDurationAffine() throws OnnxFormatException {
        for (OnnxNode n : graph.nodes()) {
            if (!module(n.name()).equals("dp.flows.0")) {
                continue;
            }
            if (n.opType().equals("Sub") && graph.constant(n.input(1)).isPresent()) {
                put("dp.flows.0.m", graph.constant(n.input(1)).get());
            } else if (n.opType().equals("Exp") && graph.constant(n.input(0)).isPresent()) {
                OnnxTensor negLogs = graph.constant(n.input(0)).get();
                float[] v = negLogs.floats();
                for (int i = 0; i < v.length; i++) {
                    v[i] = -v[i];
                }
                params.put("dp.flows.0.logs", new Param(v, negLogs.dims()));
            }
        }
        require(params.containsKey("dp.flows.0.m") && params.containsKey("dp.flows.0.logs"),
                "the duration predictor's affine flow (dp.flows.0) was not found");
    }

    private void put(String name, OnnxTensor t) throws OnnxFormatException {
        Param previous = params.get(name);
        Param p = new Param(t.floats(), t.dims());
        if (previous != null && !(Arrays.equals(previous.values, p.values) && Arrays.equals(previous.shape, p.shape))) {
            throw error("two different tensors claim to be '" + name + "'");
        }
        params.put(name, p);
    }

    // ---------------------------------------------------------------- checks

    /** Every convolution's stride, dilation, padding and groups must be what the Java model computes with. */
    private void checkAttributes(VitsConfig c) throws OnnxFormatException {
        for (int i = 0; i < c.encoderLayers(); i++) {
            for (String p : new String[] {"conv_q", "conv_k", "conv_v", "conv_o"}) {
                expectConv("enc_p.encoder.attn_layers." + i + "." + p, 1, 1, 0, 1);
            }
            expectConv("enc_p.encoder.ffn_layers." + i + ".conv_1", 1, 1, 0, 1); // padded by a Pad node: "same"
            expectConv("enc_p.encoder.ffn_layers." + i + ".conv_2", 1, 1, 0, 1);
        }
        int d = 1;
        for (int i = 0; i < c.dpLayers(); i++) {
            for (String stack : dpStacks(c)) {
                expectConv(stack + ".convs_sep." + i, 1, d, (c.dpKernel() * d - d) / 2, c.dpFilter());
                expectConv(stack + ".convs_1x1." + i, 1, 1, 0, 1);
            }
            d *= c.dpKernel();
        }
        for (int id : c.flowIds()) {
            int dil = 1;
            for (int i = 0; i < c.wnLayers(); i++) {
                expectConv("flow.flows." + id + ".enc.in_layers." + i, 1, dil, (c.wnKernel() * dil - dil) / 2, 1);
                dil *= c.wnDilationRate();
            }
        }
        expectConv("dec.conv_pre", 1, 1, (c.decPreKernel() - 1) / 2, 1);
        expectConv("dec.conv_post", 1, 1, (c.decPostKernel() - 1) / 2, 1);
        for (int i = 0; i < c.upsampleRates().length; i++) {
            OnnxNode up = convNodes.get("dec.ups." + i);
            long[] pads = up.intsAttribute("pads", 0, 0);
            long expected = (c.upsampleKernels()[i] - c.upsampleRates()[i]) / 2;
            require(pads[0] == expected && pads[pads.length - 1] == expected && up.intsAttribute("dilations", 1)[0] == 1
                            && up.intsAttribute("output_padding", 0)[0] == 0 && up.intAttribute("group").orElse(1L) == 1,
                    "dec.ups." + i + " has pads " + Arrays.toString(pads) + ", expected " + expected + " on both sides and no dilation or groups");
        }
        int kernels = c.resblockKernels().length;
        for (int rb = 0; rb < c.upsampleRates().length * kernels; rb++) {
            int j = rb % kernels;
            int k = c.resblockKernels()[j];
            for (int m = 0; m < c.resblockDilations()[j].length; m++) {
                int dil = c.resblockDilations()[j][m];
                String first = "dec.resblocks." + rb + (c.resblockType() == 1 ? ".convs1." : ".convs.") + m;
                expectConv(first, 1, dil, (k * dil - dil) / 2, 1);
                if (c.resblockType() == 1) {
                    expectConv("dec.resblocks." + rb + ".convs2." + m, 1, 1, (k - 1) / 2, 1);
                }
            }
        }
        for (String name : params.keySet()) {
            require(!name.startsWith("enc_q") && !name.startsWith("dp.post"), "unexpected training-only tensor '" + name + "'");
        }
    }

    private static List<String> dpStacks(VitsConfig c) {
        List<String> s = new ArrayList<>();
        s.add("dp.convs");
        for (int id : c.dpFlowIds()) {
            s.add("dp.flows." + id + ".convs");
        }
        return s;
    }

    private void expectConv(String module, int stride, int dilation, int pad, int groups) throws OnnxFormatException {
        OnnxNode n = convNodes.get(module);
        require(n != null, "convolution '" + module + "' not found");
        checkedConvs.add(module);
        long s = n.intsAttribute("strides", 1)[0];
        long d = n.intsAttribute("dilations", 1)[0];
        long[] pads = n.intsAttribute("pads", 0, 0);
        long g = n.intAttribute("group").orElse(1L);
        boolean padOk = pads.length == 2 && pads[0] == pad && pads[1] == pad;
        require(s == stride && d == dilation && padOk && g == groups,
                "convolution '" + module + "' has stride " + s + ", dilation " + d + ", pads " + Arrays.toString(pads) + ", groups " + g
                        + "; expected stride " + stride + ", dilation " + dilation + ", pads [" + pad + ", " + pad + "], groups " + groups);
    }

    /**
     * Every convolution the checks above did not name (1x1 projections and conditioning layers) must be a plain
     * "same" convolution, and no convolution's {@code kernel_shape} may disagree with its weights: the Java model
     * computes with neither, so a graph that says otherwise would be silently misread.
     */
    private void checkOtherConvs() throws OnnxFormatException {
        for (Map.Entry<String, OnnxNode> e : convNodes.entrySet()) {
            OnnxNode n = e.getValue();
            long k = params.get(e.getKey() + ".weight").shape[2];
            long[] shape = n.intsAttribute("kernel_shape", k);
            require(shape.length == 1 && shape[0] == k, "convolution '" + e.getKey() + "' has kernel_shape " + Arrays.toString(shape)
                    + " but weights of width " + k);
            if (!checkedConvs.contains(e.getKey()) && !n.opType().equals("ConvTranspose")) {
                long pad = (k - 1) / 2;
                long[] pads = n.intsAttribute("pads", 0, 0);
                require(n.intsAttribute("strides", 1)[0] == 1 && n.intsAttribute("dilations", 1)[0] == 1 && n.intAttribute("group").orElse(1L) == 1
                                && pads.length == 2 && pads[0] == pad && pads[1] == pad,
                        "convolution '" + e.getKey() + "' has stride, dilation, pads " + Arrays.toString(pads) + " or groups the model does not use"
                                + " (expected a stride-1 convolution padded [" + pad + ", " + pad + "])");
            }
        }
    }

    /** Conv weights [out, in/g, k] become the kernels' matrix view [out, in/g * k]; transposed ones [in, out/g * k]. */
    private void reshapeConvWeights() {
        for (String module : convNodes.keySet()) {
            String key = module + ".weight";
            Param p = params.get(key);
            if (p.shape.length == 3) {
                params.put(key, new Param(p.values, new long[] {p.shape[0], p.shape[1] * p.shape[2]}));
            }
        }
    }

    // ---------------------------------------------------------------- helpers

    private long[] shape(String name) throws OnnxFormatException {
        Param p = params.get(name);
        if (p == null) {
            throw error("tensor '" + name + "' not found");
        }
        return p.shape;
    }

    /** PyTorch shape [out, in/g, k] of a convolution's weights (before reshaping). */
    private long[] convShape(String module) throws OnnxFormatException {
        long[] s = shape(module + ".weight");
        require(s.length == 3, "'" + module + ".weight' should have rank 3");
        return s;
    }

    /** How many consecutive indices i from 0 have a parameter named by {@code format} (with %d). */
    private int count(String format) {
        int n = 0;
        while (params.containsKey(String.format(format, n))) {
            n++;
        }
        return n;
    }

    private int[] indicesDescending(String regex) {
        Pattern p = Pattern.compile(regex);
        TreeSet<Integer> found = new TreeSet<>();
        for (String name : params.keySet()) {
            Matcher m = p.matcher(name);
            if (m.matches()) {
                found.add(Integer.parseInt(m.group(1)));
            }
        }
        return found.descendingSet().stream().mapToInt(Integer::intValue).toArray();
    }

    private void require(boolean ok, String message) throws OnnxFormatException {
        if (!ok) {
            throw error(message);
        }
    }

    private OnnxFormatException error(String message) {
        return new OnnxFormatException(source + ": not a supported Piper voice graph: " + message);
    }

    /** The parameters found, for tests. */
    Map<String, Param> params() {
        return params;
    }
}
