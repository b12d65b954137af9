-- Records a reviewer's decision on a held number. Parameters: review_id, decision, decided_at,
-- reviewer, note, release_id, observation_seq (the last two only for an acceptance).
insert into core.review_decisions (
    review_id, decision, decided_at, reviewer, note, release_id, observation_seq
)
values (?, ?, ?, ?, ?, ?, ?)
