"""A machine you plan for rather than sit at: `--vram`, `--ram`, `--gpus` and `--profile`.

What the options leave unsaid comes from the detected machine: `--vram 24G` alone keeps this
machine's RAM and CPU. `--vram` is memory per GPU; `--gpus N` multiplies it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from modelscout.errors import UsageError
from modelscout.hardware.apple import gpu_wired_share_bytes
from modelscout.hardware.cpu import CpuInfo
from modelscout.hardware.detect import Hardware
from modelscout.hardware.gpu import Gpu
from modelscout.hardware.memory import MemoryInfo
from modelscout.hardware.profiles import GIB, find_profile, parse_size


@dataclass(frozen=True)
class PlanOptions:
    vram: str | None = None
    ram: str | None = None
    gpus: int | None = None
    profile: str | None = None

    @property
    def any(self) -> bool:
        return any(v is not None for v in (self.vram, self.ram, self.gpus, self.profile))


def _size(flag: str, text: str) -> int:
    try:
        return parse_size(text)
    except UsageError as exc:
        raise UsageError(f"{flag}: {exc}") from None


def plan_hardware(base: Hardware, options: PlanOptions) -> Hardware:
    """`base` with the planned parts replaced; raises UsageError for a bad size, count or profile."""
    if not options.any:
        return base
    if options.gpus is not None and options.gpus < 0:
        raise UsageError(f"--gpus: {options.gpus} is not a GPU count (0 or more)")
    said: list[str] = []
    gpus = list(base.gpus)
    memory = base.memory
    cpu_bandwidth = base.cpu_bandwidth_bytes_per_s
    bandwidth_source = base.cpu_bandwidth_source
    cpu = base.cpu
    if options.profile is not None:
        profile = find_profile(options.profile)
        said.append(profile.key)
        if profile.cpu_only:
            ram = _size("--ram", options.ram) if options.ram else profile.memory_bytes
            memory = MemoryInfo(ram, ram, None, ram)
            gpus = []
            cpu_bandwidth = profile.bandwidth_bytes_per_s
            bandwidth_source = f"published: {profile.name}"
            cores = profile.cpu_cores
            cpu = CpuInfo(
                profile.name, profile.cpu_arch or cpu.arch, cores, cores, profile.cpu_features
            )
        elif profile.unified:
            ram = _size("--ram", options.ram) if options.ram else profile.memory_bytes
            memory = MemoryInfo(ram, ram, None, ram)
            if profile.gpu_share_bytes is not None:
                share = min(profile.gpu_share_bytes, ram)
            else:
                share = gpu_wired_share_bytes(ram, None)
            gpus = [
                Gpu(
                    profile.vendor,
                    profile.name,
                    0,
                    share,
                    share,
                    unified=True,
                    bandwidth_bytes_per_s=profile.bandwidth_bytes_per_s,
                    bandwidth_source="profile table",
                )
            ]
            cpu_bandwidth = profile.bandwidth_bytes_per_s
            bandwidth_source = f"published: {profile.name}"
        else:
            gpus = [
                Gpu(
                    profile.vendor,
                    profile.name,
                    0,
                    profile.memory_bytes,
                    profile.memory_bytes,
                    compute_capability=profile.compute_capability,
                    bandwidth_bytes_per_s=profile.bandwidth_bytes_per_s,
                    bandwidth_source="profile table",
                )
            ]
    if options.vram is not None:
        vram = _size("--vram", options.vram)
        said.append(f"{vram / GIB:g} GiB VRAM")
        template = gpus[0] if gpus and not gpus[0].unified else None
        gpus = [
            Gpu(
                template.vendor if template else "planned",
                template.name if template and options.profile else "planned GPU",
                0,
                vram,
                vram,
                bandwidth_bytes_per_s=template.bandwidth_bytes_per_s if template else None,
                bandwidth_source=template.bandwidth_source if template else None,
            )
        ]
    if options.gpus is not None:
        said.append(f"{options.gpus} GPU{'s' if options.gpus != 1 else ''}")
        if options.gpus == 0:
            gpus = []
        elif not gpus:
            raise UsageError("--gpus needs --vram or --profile: this machine has no GPU to copy")
        elif gpus[0].unified:
            raise UsageError("--gpus does not apply to Apple Silicon's unified memory")
        else:
            gpus = [replace(gpus[0], index=i) for i in range(options.gpus)]
    ram_from_profile = options.profile is not None and (
        find_profile(options.profile).cpu_only or bool(gpus and gpus[0].unified)
    )
    if options.ram is not None and not ram_from_profile:
        ram = _size("--ram", options.ram)
        said.append(f"{ram / GIB:g} GiB RAM")
        memory = MemoryInfo(ram, ram, None, ram)
    return replace(
        base,
        cpu=cpu,
        cpu_bandwidth_source=bandwidth_source,
        gpus=tuple(gpus),
        memory=memory,
        cpu_bandwidth_bytes_per_s=cpu_bandwidth,
        gpu_reason=None if gpus else "no GPU in the plan",
        planned=", ".join(said),
    )


def parse_plan(text: str) -> PlanOptions:
    """A plan typed in one line, as the TUI's plan prompt takes it: a profile key and/or
    `vram=24G`, `ram=64G`, `gpus=2` in any order; empty (or `this`) plans for this machine.

    Raises UsageError naming the word it cannot read."""
    fields: dict[str, str | int] = {}
    for word in text.lower().replace(",", " ").split():
        key, sep, value = word.partition("=")
        if word == "this":
            continue
        if not sep:
            find_profile(word)  # raises with the list of profiles
            fields["profile"] = word
        elif key in ("vram", "ram") and value:
            parse_size(value)  # raises for a bad size
            fields[key] = value
        elif key == "gpus" and value.isdigit():
            fields["gpus"] = int(value)
        else:
            raise UsageError(
                f"'{word}': a plan is a profile (rtx4090) and/or vram=SIZE, ram=SIZE, gpus=N"
            )
    return PlanOptions(
        vram=str(fields["vram"]) if "vram" in fields else None,
        ram=str(fields["ram"]) if "ram" in fields else None,
        gpus=int(fields["gpus"]) if "gpus" in fields else None,
        profile=str(fields["profile"]) if "profile" in fields else None,
    )
