package dev.sotto.pocket.convert;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.sotto.pocket.SentencePieceTokenizer;
import dev.sotto.pocket.SentencePieceTokenizer.PieceType;
import dev.sotto.pocket.convert.proto.SentencePieceModel.ModelProto;
import dev.sotto.pocket.convert.proto.SentencePieceModel.NormalizerSpec;
import dev.sotto.pocket.convert.proto.SentencePieceModel.TrainerSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Reads a SentencePiece {@code tokenizer.model} (a serialized ModelProto, read with protobuf-java) into a tokenizer. */
public final class TokenizerModelReader {
    /** Largest model file read (Kyutai's is a few hundred KB; SentencePiece models rarely exceed a few MB). */
    static final long MAX_BYTES = 64L << 20;

    private TokenizerModelReader() {
    }

    public static SentencePieceTokenizer read(Path path) throws IOException {
        long size = Files.size(path);
        if (size > MAX_BYTES) {
            throw new ConversionException(path.getFileName() + ": " + size + " bytes is too large for a SentencePiece model");
        }
        ModelProto m;
        try {
            m = ModelProto.parseFrom(Files.readAllBytes(path));
        } catch (InvalidProtocolBufferException e) {
            throw new ConversionException(path.getFileName() + ": not a SentencePiece model (" + e.getMessage() + ")");
        }
        String where = path.getFileName().toString();
        if (m.getPiecesCount() == 0) {
            throw new ConversionException(where + ": not a SentencePiece model (no pieces)");
        }
        TrainerSpec trainer = m.getTrainerSpec();
        if (trainer.getModelType() != TrainerSpec.ModelType.UNIGRAM) {
            throw new ConversionException(where + ": a " + trainer.getModelType() + " SentencePiece model; only unigram models are supported");
        }
        if (m.hasDenormalizerSpec() && !m.getDenormalizerSpec().getPrecompiledCharsmap().isEmpty()) {
            throw new ConversionException(where + ": denormalization rules are not supported");
        }
        NormalizerSpec norm = m.getNormalizerSpec();
        List<String> pieces = new ArrayList<>();
        float[] scores = new float[m.getPiecesCount()];
        PieceType[] types = new PieceType[m.getPiecesCount()];
        for (int i = 0; i < m.getPiecesCount(); i++) {
            ModelProto.SentencePiece p = m.getPieces(i);
            pieces.add(p.getPiece());
            scores[i] = p.getScore();
            types[i] = PieceType.valueOf(p.getType().name());
        }
        try {
            return new SentencePieceTokenizer(new SentencePieceTokenizer.Spec(pieces, scores, types, norm.getAddDummyPrefix(),
                    norm.getRemoveExtraWhitespaces(), norm.getEscapeWhitespaces(), trainer.getTreatWhitespaceAsSuffix(),
                    trainer.getByteFallback(), norm.getPrecompiledCharsmap().toByteArray(), trainer.getUnkSurface()));
        } catch (IllegalArgumentException e) {
            throw new ConversionException(where + ": " + e.getMessage());
        }
    }
}
