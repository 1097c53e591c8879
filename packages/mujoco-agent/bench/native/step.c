/*
 * Native MuJoCo step timing for the side-by-side measurement in the README (same loop as the
 * mujoco.step.peg3d benchmark): load MJCF, set qpos0, warm up, then 200 runs of 1000 mj_step
 * with ctrl[0] = 0.1 sin(i); prints the median and minimum time per step.
 * Build: gcc -O2 -o step step.c -lmujoco -lm   (Debian: apt-get install libmujoco-dev)
 * Usage: ./step model.xml model.q0
 */
#include <mujoco/mujoco.h>
#include <stdio.h>
#include <stdlib.h>
#include <math.h>
#include <time.h>
static double now(){struct timespec t;clock_gettime(CLOCK_MONOTONIC,&t);return t.tv_sec*1e3+t.tv_nsec*1e-6;}
static int cmp(const void*a,const void*b){double x=*(double*)a,y=*(double*)b;return x<y?-1:x>y;}
int main(int argc,char**argv){
  char err[1000];
  mjModel*m=mj_loadXML(argv[1],0,err,1000); if(!m){printf("load error %s\n",err);return 1;}
  mjData*d=mj_makeData(m);
  FILE*f=fopen(argv[2],"r"); for(int i=0;i<m->nq;i++) if(fscanf(f,"%lf",&d->qpos[i])!=1) break; fclose(f);
  mj_forward(m,d);
  for(int i=0;i<5000;i++){d->ctrl[0]=0.1*sin(i);mj_step(m,d);}
  double t[200];
  for(int r=0;r<200;r++){double t0=now();for(int i=0;i<1000;i++){d->ctrl[0]=0.1*sin(i);mj_step(m,d);}t[r]=now()-t0;}
  qsort(t,200,sizeof(double),cmp);
  printf("%s native MuJoCo %s: median %.3f us/step, min %.3f us/step\n",argv[1],mj_versionString(),t[100],t[0]);
  mj_deleteData(d);mj_deleteModel(m);return 0;}
