"""Ready-made modules for trying the library on real data: ``lightning_warmup.recipes.digits``.

Shipped in the package, so that a config naming them works from ``pip install
'lightning-warmup[cli,examples]'``, outside this repository.
"""
