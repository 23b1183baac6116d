#!/usr/bin/env python3
# Generates dict/verbs/zz-modality.dtx from dict/verbs/[0-9]*.dtx.
# A developer's tool (not needed to build or test): run it from the top of
# the repository after editing the verb blocks, and commit both. It writes
# the negated / may-might-could forms (no event) and the will/would forms
# (the CAMEO intent or threat code of the verb's root).
import re,glob
def forms(w):
    out=[]
    if re.search(r'(s|x|z|ch|sh)$',w): out.append(w+'es')
    elif re.search(r'[^aeiou]y$',w): out.append(w[:-1]+'ies')
    else: out.append(w+'s')
    if w.endswith('e'): out.append(w+'d')
    elif re.search(r'[^aeiou]y$',w): out.append(w[:-1]+'ied')
    else: out.append(w+'ed')
    if w.endswith('ie'): out.append(w[:-2]+'ying')
    elif w.endswith('e') and not re.search(r'(ee|oe|ye)$',w): out.append(w[:-1]+'ing')
    else: out.append(w+'ing')
    if re.search(r'[^aeiou][aeiou][^aeiouwxy]$',w) and len(w)>2:
        out += [w+w[-1]+'ed', w+w[-1]+'ing']
    return out
def intent(c):
    if c is None or c in ('null','---'): return c
    table=[('0841','0353'),('0842','0353'),('0871','0356'),('2041','1385'),('2042','1385'),
           ('061','0311'),('062','0312'),('063','0313'),('064','0314'),('071','0331'),('072','0332'),
           ('073','0333'),('074','0334'),('081','0351'),('084','0353'),('085','0354'),('087','0356'),
           ('161','1313'),('162','1311'),('163','1312'),('164','134'),('172','132'),('191','1381'),
           ('192','1382'),('04','036'),('05','030'),('06','031'),('07','033'),('08','035'),('14','133'),
           ('15','138'),('16','131'),('17','137'),('18','1383'),('19','1384'),('20','1385')]
    for pre,to in table:
        if c.startswith(pre): return to
    return c
blocks=[]
for f in sorted(glob.glob('dict/verbs/[0-9]*.dtx')):
    for ln in open(f):
        ln=re.sub(r'(^|\s)#.*','',ln.rstrip('\n'))
        if ln.startswith('block'):
            p=ln.split(); blocks.append({'name':p[1],'code':p[2] if len(p)>2 else None,'verbs':[],'pats':[]}); continue
        m=re.match(r'\s+verb (.*)',ln)
        if m:
            body=m.group(1).strip(); vcode=None
            mm=re.search(r'\scode (\S+)$',body)
            if mm: vcode=mm.group(1); body=body[:mm.start()]
            items=[];depth=0;cur=''
            for ch in body:
                if ch=='(': depth+=1
                if ch==')': depth-=1
                if ch==',' and depth==0: items.append(cur.strip()); cur=''
                else: cur+=ch
            items.append(cur.strip())
            for it in items:
                m2=re.match(r'([^()]+?)\s*(\((.*)\))?$',it)
                lemma=m2.group(1).strip(); irr=m2.group(3)
                if '*' in lemma: continue
                w=lemma.split()
                fl=[x.strip() for x in irr.split(',')] if irr else [' '.join([x]+w[1:]) for x in forms(w[0])]
                blocks[-1]['verbs'].append((lemma,fl,vcode))
            continue
        m=re.match(r'\s+pattern (.*?): (.*)$',ln)
        if m: blocks[-1]['pats'].append((m.group(1),m.group(2)))
def vline(pre,lemma,fl):
    fs=[f for f in fl if f!=lemma]
    return '%s *%s (%s)'%(pre,lemma,', '.join('%s %s'%(pre,f) for f in fs)) if fs else '%s *%s'%(pre,lemma)
out=['# Generated from dict/verbs/[0-9]*.dtx by the verbs engineer\'s generator',
 '# (see the header of each block below); regenerate after adding verbs.',
 '#',
 '# NEGATED: a verb right after not / n\'t / never, or after a modal of mere',
 '# possibility (may, might, could), reports no event. These longer verb',
 '# forms win over the plain verb and their block has no code and no',
 '# pattern, so nothing is coded (CAMEO and PLOVER code what happened).',
 '# A null pattern cannot do this: in a coded block the coder falls back',
 '# to the verb\'s code.',
 '#',
 '# MODAL-*: a verb after will / would / \'ll / shall announces an act, it',
 '# does not report one: the same patterns with the intent code (a visit',
 '# -> 036 offer to meet, aid -> 033 pledge aid, sanctions -> 1312 threaten',
 '# sanctions, an attack -> 138x threaten force). Codes with no intent',
 '# counterpart (statements, appeals, demands, criticism) are kept.',
 '[verbs]','block NEGATED']
seen=set()
for b in blocks:
    for lemma,fl,_ in b['verbs']:
        for neg in ["not","n't","never","may","might","could"]:
            if (neg,lemma) in seen: continue
            seen.add((neg,lemma)); out.append('  '+vline('verb '+neg,lemma,fl) if False else '  verb '+vline(neg,lemma,fl))
mseen=set()
for b in blocks:
    codes=[b['code']]+[c for c,_ in b['pats']]+[v[2] for v in b['verbs']]
    if all(intent(c)==c for c in codes): continue
    bc=intent(b['code'])
    out.append('')
    out.append('block MODAL-%s%s'%(b['name'], ' '+bc if bc else ''))
    for lemma,fl,vc in b['verbs']:
        for md in ["will","would","'ll","shall"]:
            if (md,lemma) in mseen: continue
            mseen.add((md,lemma))
            out.append('  verb '+vline(md,lemma,fl)+(' code '+intent(vc) if vc else ''))
    for c,p in b['pats']:
        out.append('  pattern %s: %s'%(intent(c),p))
# REFUSE-TALKS (roots 04 -> 12): "will not / would not / won't negotiate"
# is a refusal, CAMEO 125 (reject proposal to meet, discuss or negotiate),
# where "did not meet" reports nothing. These three-word forms win over
# the NEGATED ones. Only blocks that code nothing but meetings and talks
# (036, 040, 044-046, and 125 for "no intention of talking"): "will not hold
# drills" or "will not leave" are no refusal.
rseen=set()
rout=[]
for b in blocks:
    codes=[b['code']]+[c for c,_ in b['pats']]+[v[2] for v in b['verbs']]
    real=[c for c in codes if c and c not in ('null','---')]
    if not any(c[:3] in ('040','046') for c in real): continue
    if not all(c[:3] in ('036','040','044','045','046','125') for c in real): continue
    for lemma,fl,_ in b['verbs']:
        for md in ["will not","would not","wo n't","would n't","will never","would never"]:
            if (md,lemma) in rseen: continue
            rseen.add((md,lemma)); rout.append('  verb '+vline(md,lemma,fl))
if rout:
    out.append('')
    out.append('block REFUSE-TALKS 125')
    out+=rout
open('dict/verbs/zz-modality.dtx','w').write('\n'.join(out)+'\n')
