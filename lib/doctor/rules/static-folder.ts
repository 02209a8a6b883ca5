import { absoluteFolder, sameFolder, type PathSetting } from '../django.js';
import { isDjango, isNginx, mountOf } from '../compose.js';
import type { Hit } from '../finding.js';
import { NGINX_RULES } from '../../nginx/rules.js';
import { rewrite, type DoctorFacts, type Rule } from '../rule.js';
import { servedAt, type Kind, type Served } from './served.js';

const settingOf = (facts: DoctorFacts, kind: Kind) => (kind === 'static' ? facts.django?.staticRoot : facts.django?.mediaRoot);
const NAME = { static: 'STATIC_ROOT', media: 'MEDIA_ROOT' } as const;

/** nginx's folder for STATIC_URL is not STATIC_ROOT (or, in compose, not the volume collectstatic fills). */
export const staticFolder: Rule = {
  ...NGINX_RULES.staticFolder,
  severity: 'high',
  check(facts) {
    return (['static', 'media'] as const).flatMap((kind) => {
      const setting = settingOf(facts, kind);
      if (!setting || !facts.django) return [];
      return servedAt(facts, kind).flatMap((served) => (facts.compose && facts.compose.services.some(isNginx) ? inCompose(facts, served, setting) : onHost(facts, served, setting)));
    });
  },
};

function onHost(facts: DoctorFacts, served: Served, setting: PathSetting): Hit[] {
  if (sameFolder(served.folder, setting, facts.django!.root)) return [];
  const folder = absoluteFolder(setting, facts.django!.root).replace(/\/+$/, '');
  // The fix is the safe form too: both the location and the alias end with "/".
  const { directive, modifier, uri } = served.location;
  const edits = [rewrite(facts, served.via, [`${folder}/`])];
  if (!uri.endsWith('/')) edits.unshift(rewrite(facts, directive, modifier ? [modifier, `${uri}/`] : [`${uri}/`]));
  const fix = served.alias && directive.file === served.via.file ? { file: served.via.file, edits } : undefined;
  return [
    {
      file: served.via.file,
      line: served.via.line,
      message: `nginx serves ${served.location.uri} from ${served.folder}, but ${NAME[served.kind]} is ${folder} (${setting.file}:${setting.line})`,
      fix,
    },
  ];
}

function inCompose(facts: DoctorFacts, served: Served, setting: PathSetting): Hit[] {
  const compose = facts.compose!;
  const nginx = compose.services.find(isNginx)!;
  const mounted = mountOf(nginx, served.folder);
  const at = { file: served.via.file, line: served.via.line };
  if (!mounted) return [{ ...at, message: `nginx serves ${served.location.uri} from ${served.folder}, but the ${nginx.name} service (${compose.file}) mounts no volume there: the folder is empty` }];
  const writers = compose.services.filter(isDjango).flatMap((service) => service.volumes.filter((m) => m.source === mounted.mount.source).map((m) => `${m.target}${mounted.rest}`));
  if (writers.length === 0) {
    return [
      { ...at, message: `nginx serves ${served.location.uri} from ${mounted.mount.source} (${compose.file}:${mounted.mount.line}), which no Django service mounts: collectstatic never fills it` },
    ];
  }
  if (setting.absolute && !writers.includes(setting.value.replace(/\/+$/, ''))) {
    return [
      {
        ...at,
        message: `nginx serves ${mounted.mount.source}, which the Django services see at ${writers.join(', ')}, but ${NAME[served.kind]} is ${setting.value} (${setting.file}:${setting.line})`,
      },
    ];
  }
  return [];
}
