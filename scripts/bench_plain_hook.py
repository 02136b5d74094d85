"""The plain copy's only hook (scripts/bench_sites.py): hands mkdocs-jupyter the notebooks the plugin made, as
the plugin's on_files does, so that the plain build renders the same notebook pages with no engine at all."""

from pathlib import Path

from mkdocs.plugins import event_priority
from mkdocs.structure.files import File, Files

from mkdocs_memos import shims


@event_priority(-110)  # after static-i18n's, which sets the language (as the plugin's on_config)
def on_config(config):
    shims.jupyter_cache_per_language(config, Path(config.config_file_path).parent / ".cache" / "mkdocs-jupyter")
    return config


@event_priority(-110)  # after static-i18n's on_files (as the plugin's)
def on_files(files, config):
    i18n, made = config.plugins["i18n"], Path(config.config_file_path).parent / "notebooks-made"
    lang = i18n.current_language
    folder = made / shims.i18n_folder(i18n, lang) / "notebooks"
    notebooks = Files([File(p.relative_to(made).as_posix(), str(made), config.site_dir, config.use_directory_urls)
                       for p in sorted(folder.glob("*.ipynb"))])
    for file in config.plugins["mkdocs-jupyter"].on_files(notebooks, config=config):
        files.append(file)
        shims.notebook_alternates(file, i18n, lang)
    return files
