package org.edgefm.models.safetensors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.edgefm.api.EdgeFmException;
import org.edgefm.models.Weights;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A checkpoint split into shards by a {@code model.safetensors.index.json}
 * ({@code {"weight_map": {tensor: file}}}). A shard is opened (its header read) only when one of
 * its tensors is first asked for. Shard names must be plain file names in the index's folder.
 */
public final class ShardedSafeTensors implements Weights {
    private final Path index;
    private final Map<String, String> weightMap;
    private final Map<String, SafeTensors> open = new LinkedHashMap<>();

    private ShardedSafeTensors(Path index, Map<String, String> weightMap) {
        this.index = index;
        this.weightMap = weightMap;
    }

    /** Reads and checks the index. */
    public static ShardedSafeTensors open(Path index) {
        JsonNode root;
        try {
            if (Files.size(index) > SafeTensors.MAX_HEADER_BYTES) {
                throw new EdgeFmException(index + ": index file larger than " + SafeTensors.MAX_HEADER_BYTES + " bytes");
            }
            root = new ObjectMapper().readTree(index.toFile());
        } catch (IOException e) {
            throw new EdgeFmException(index + ": cannot read safetensors index (" + e.getMessage() + ")", e);
        }
        JsonNode wm = root == null ? null : root.get("weight_map");
        if (wm == null || !wm.isObject()) {
            throw new EdgeFmException(index + ": missing object 'weight_map'");
        }
        Map<String, String> map = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = wm.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> f = it.next();
            String shard = f.getValue().asText("");
            if (!f.getValue().isTextual() || shard.isEmpty() || shard.contains("/") || shard.contains("\\") || shard.startsWith(".")) {
                throw new EdgeFmException(index + ": weight_map['" + f.getKey() + "'] = " + f.getValue() + " (expected: a file name in the same folder)");
            }
            map.put(f.getKey(), shard);
        }
        return new ShardedSafeTensors(index, Collections.unmodifiableMap(map));
    }

    /** The shard files the index names, each once, in the order first named. */
    public java.util.List<String> shardFiles() {
        return java.util.List.copyOf(new java.util.LinkedHashSet<>(weightMap.values()));
    }

    private synchronized SafeTensors shardOf(String name) {
        String shard = weightMap.get(name);
        if (shard == null) {
            throw new EdgeFmException(index + ": tensor '" + name + "' not in weight_map");
        }
        SafeTensors s = open.get(shard);
        if (s == null) {
            Path parent = index.toAbsolutePath().getParent();
            s = SafeTensors.open(parent.resolve(shard));
            open.put(shard, s);
        }
        if (!s.contains(name)) {
            throw new EdgeFmException(s.file() + ": tensor '" + name + "' listed in " + index.getFileName() + " but absent from the shard");
        }
        return s;
    }

    @Override
    public Set<String> names() {
        return weightMap.keySet();
    }

    @Override
    public boolean contains(String name) {
        return weightMap.containsKey(name);
    }

    @Override
    public long[] shape(String name) {
        return shardOf(name).shape(name);
    }

    @Override
    public INDArray get(String name) {
        return shardOf(name).get(name);
    }

    @Override
    public synchronized long loadedBytes() {
        return open.values().stream().mapToLong(SafeTensors::loadedBytes).sum();
    }

    @Override
    public String describe() {
        return index.toString();
    }

    @Override
    public synchronized void close() {
        open.values().forEach(SafeTensors::close);
        open.clear();
    }
}
