-- Every check finding as known on a date, most severe first. Parameter: as_of (date).
select * from check_findings_as_of(cast(? as date))
