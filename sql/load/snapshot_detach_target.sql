-- Detaches the snapshot, which checkpoints it: the file is complete once this returns.
detach snapshot
