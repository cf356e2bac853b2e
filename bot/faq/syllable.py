"""Is a folded token a possible Vietnamese syllable? Used to decide what is a typo.

A real syllable the FAQ happens not to use ("treo" in "án treo") must not be "corrected"
into a FAQ word ("theo"): that would turn an out-of-scope question into a match.
"""

from __future__ import annotations

import re

_ONSETS = "ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|b|c|d|g|h|k|l|m|n|p|r|s|t|v|x"
_RHYMES = """
a ai ao au ay ac ach am an ang anh ap at
e eo eu ec ech em en eng enh ep et
i ia iu ich im in inh ip it ieu iec iem ien ieng iep iet
o oa oai oao oay oac oach oam oan oang oanh oap oat oe oeo oec oem oen oet oi oc om on ong op ot ooc oong
u ua uan uang uanh uat uay ui uc um un ung up ut uu uy uya uyen uyet uynh uych uyu uoi uoc uom uon uong uop
uot uou ue uen uenh uet uo uau
y yen yet yeu yem
"""
_RHYME_LIST = _RHYMES.split()
_SYLLABLE = re.compile(rf"^(?:{_ONSETS})?(?:{'|'.join(sorted(_RHYME_LIST, key=len, reverse=True))})$")


def is_syllable(token: str) -> bool:
    """True when `token` (folded, no diacritics) can be a Vietnamese syllable."""
    return bool(_SYLLABLE.match(token))
