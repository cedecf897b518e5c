"""Writes testdata/torchscript/relu-times-x.pt: a TorchScript module computing relu(x) * x (for
x = [1, -2, 3]: [1, 0, 9]), with Debian's python3-torch (1.13). Run with /usr/bin/python3 after
'apt-get install python3-torch'. One-off; CI never runs it."""
import sys

import torch


class ReluTimesX(torch.nn.Module):
    def forward(self, x):
        return torch.relu(x) * x


out = sys.argv[1] if len(sys.argv) > 1 else 'testdata/torchscript'
torch.jit.script(ReluTimesX()).save(f'{out}/relu-times-x.pt')
print('wrote', f'{out}/relu-times-x.pt', 'with torch', torch.__version__)
