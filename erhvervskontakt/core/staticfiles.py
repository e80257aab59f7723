from django.contrib.staticfiles.apps import StaticFilesConfig


class EkStaticFilesConfig(StaticFilesConfig):
    """collectstatic without the parts of npm packages no page uses.

    dkfds ships font subsets ("split"), OpenType fonts, three themes in two builds each and SCSS
    sources; htmx and django-htmx ship every module
    format and extension; hashing and compressing those took most of collectstatic's time.
    """

    ignore_patterns = [
        *StaticFilesConfig.ignore_patterns,
        "split",
        "otf",
        # Only the virk.dk theme, minified, is used; the other builds cost post-processing time.
        "dkfds-borgerdk*",
        "dkfds.css",
        "dkfds.min.css",
        "dkfds-virkdk.css",
        "dkfds.js",
        "ext",
        "*.scss",
        "*.cjs.js",
        "*.esm.js",
        "*.amd.js",
        "*.d.ts",
        "htmax-*",
    ]
