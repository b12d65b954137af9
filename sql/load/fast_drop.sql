-- Drops the temporary tables of a fast load (fast_files, fast_releases, fast_figures).
drop table if exists fast_figures;
drop table if exists fast_releases;
drop table if exists fast_files;
