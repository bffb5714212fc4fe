/// LimeTrainer: LIME training on shards (loader, variants, checkpoints, evaluation, generation).
public enum LimeTrainer {}
