-- How many metrics this build recomputes (0: the marts already hold every stored claim).
select count(*) from build_scope
