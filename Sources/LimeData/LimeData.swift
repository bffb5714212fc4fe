/// LimeData: the annotated shard pipeline.
public enum LimeData {}
