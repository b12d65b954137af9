-- Shares with their numerators and denominators as known on a date. Parameter: as_of (date).
select * from shares_as_of(cast(? as date))
order by share_name, period_end desc
