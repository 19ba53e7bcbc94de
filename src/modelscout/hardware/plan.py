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
